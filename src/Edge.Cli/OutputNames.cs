namespace Edge.Cli;

/// <summary>File names for output tensors: <c>DIR/&lt;output name&gt;.pb</c>, with characters a path cannot hold replaced.</summary>
public static class OutputNames
{
    public static string FileFor(string directory, string outputName)
    {
        var invalid = Path.GetInvalidFileNameChars();
        string safe = new(outputName.Select(c => invalid.Contains(c) ? '_' : c).ToArray());
        return Path.Combine(directory, safe + ".pb");
    }
}
