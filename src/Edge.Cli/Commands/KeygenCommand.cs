using System.CommandLine;
using Edge.Agent.Deployment;

namespace Edge.Cli.Commands;

/// <summary><c>edge keygen --private FILE --public FILE</c>: an ECDSA P-256 key pair for signing deploys.</summary>
public static class KeygenCommand
{
    public static Command Create()
    {
        var privateFile = new Option<string>("--private") { Description = "Where to write the private key (PKCS#8 PEM; keep it secret).", Required = true };
        var publicFile = new Option<string>("--public") { Description = "Where to write the public key (PEM) for devices' trustedKeys.", Required = true };
        var force = new Option<bool>("--force") { Description = "Overwrite existing files." };
        var command = new Command("keygen", "Make an ECDSA P-256 key pair for signing model deploys.") { privateFile, publicFile, force };
        command.SetAction(parse => CommandGuard.Run(() => Execute(parse.GetValue(privateFile)!, parse.GetValue(publicFile)!, parse.GetValue(force))));
        return command;
    }

    private static int Execute(string privatePath, string publicPath, bool force)
    {
        foreach (string path in new[] { privatePath, publicPath })
            if (File.Exists(path) && !force)
                throw new CliException($"{path} exists; pass --force to overwrite it");
        var (privatePem, publicPem) = SigningKeys.Generate();
        // The private key is created readable by its owner only.
        File.WriteAllText(privatePath, "");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(privatePath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(privatePath, privatePem);
        File.WriteAllText(publicPath, publicPem);
        using var key = SigningKeys.LoadPem(publicPath);
        Console.WriteLine($"key {SigningKeys.KeyId(key)}: private {privatePath}, public {publicPath}");
        return ExitCodes.Success;
    }
}
