using System.Text.RegularExpressions;
using Edge.Agent.Configuration;

namespace Edge.Agent.Tests.Hosting;

/// <summary>No docker here: the Dockerfile is checked as text against the repository (what it copies, runs as and keeps).</summary>
public partial class DockerfileTests
{
    private static readonly List<(string Instruction, string Arguments)> Lines = Parse(File.ReadAllText(Path.Combine(RepoFiles.Root, "Dockerfile")));

    /// <summary>The instructions of the last stage (the image that runs).</summary>
    private static List<(string Instruction, string Arguments)> RuntimeStage => Lines.Skip(Lines.FindLastIndex(l => l.Instruction == "FROM")).ToList();

    [Fact]
    public void It_builds_with_the_sdk_and_runs_on_a_runtime_image_of_net_10()
    {
        var stages = Lines.Where(l => l.Instruction == "FROM").Select(l => l.Arguments).ToList();
        Assert.True(stages.Count >= 2, "multi-stage");
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:10.0 ", stages[0]);
        Assert.Matches(@"^mcr\.microsoft\.com/dotnet/(runtime|runtime-deps):10\.0", stages[^1]);
    }

    [Fact]
    public void Every_copied_source_and_published_project_exists_and_is_not_docker_ignored()
    {
        var ignored = File.ReadAllLines(Path.Combine(RepoFiles.Root, ".dockerignore")).Select(l => l.Trim()).Where(l => l.Length > 0 && l[0] != '#').ToList();
        var copies = Lines.Where(l => l.Instruction == "COPY" && !l.Arguments.StartsWith("--from", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(copies);
        foreach (var (_, arguments) in copies)
        {
            string[] parts = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            foreach (string source in parts[..^1])
            {
                string path = Path.Combine(RepoFiles.Root, source);
                Assert.True(File.Exists(path) || Directory.Exists(path), $"COPY {source}: not in the repository");
                string top = source.TrimEnd('/').Split('/')[0];
                Assert.DoesNotContain(ignored, pattern => pattern.TrimEnd('/') == top || pattern.TrimEnd('/') == source.TrimEnd('/'));
            }
        }
        foreach (Match project in ProjectPattern().Matches(string.Join('\n', Lines.Where(l => l.Instruction == "RUN").Select(l => l.Arguments))))
            Assert.True(File.Exists(Path.Combine(RepoFiles.Root, project.Value)), $"RUN names {project.Value}, which does not exist");
    }

    [Fact]
    public void It_runs_edge_agent_on_a_baked_device_config_as_a_non_root_user_with_the_state_directory_in_a_volume()
    {
        var stage = RuntimeStage;
        var entry = Assert.Single(stage, l => l.Instruction == "ENTRYPOINT").Arguments;
        var configFlag = ConfigPattern().Match(entry);
        Assert.True(configFlag.Success && entry.Contains("\"agent\"", StringComparison.Ordinal), $"ENTRYPOINT {entry} does not run edge agent --config");
        string configInImage = configFlag.Groups[1].Value;

        // The config in the image is copied from device-configs and valid; its files are in the image.
        var copy = Assert.Single(stage, l => l.Instruction == "COPY" && l.Arguments.EndsWith(" " + configInImage, StringComparison.Ordinal)).Arguments;
        string source = copy.Split(' ')[0];
        Assert.StartsWith("device-configs/", source);
        var config = AgentConfigReader.Parse(File.ReadAllText(Path.Combine(RepoFiles.Root, source)), "/etc/edge", checkFiles: false);
        Assert.True(config.MetricsListen is { IsAnyHost: true }, "metrics must be reachable from outside the container");
        foreach (var model in config.Models)
        {
            Assert.StartsWith("/app/", model.Path); // published beside edge.dll (Edge.Cli copies samples/)
            Assert.True(File.Exists(Path.Combine(RepoFiles.Root, model.Path["/app/".Length..])), $"{model.Path} is not published from the repository");
        }

        var user = Assert.Single(stage, l => l.Instruction == "USER").Arguments;
        Assert.DoesNotMatch(@"^(root|0)(:.*)?$", user);
        Assert.True(stage.FindIndex(l => l.Instruction == "USER") < stage.FindIndex(l => l.Instruction == "ENTRYPOINT"), "USER must come before ENTRYPOINT");
        var volumes = stage.Where(l => l.Instruction == "VOLUME").SelectMany(l => l.Arguments.Trim('[', ']').Split([' ', ','], StringSplitOptions.RemoveEmptyEntries).Select(v => v.Trim('"'))).ToList();
        Assert.Contains(config.StateDir, volumes);
    }

    /// <summary>Instructions with continuation lines joined and comments dropped.</summary>
    private static List<(string, string)> Parse(string text)
    {
        var result = new List<(string, string)>();
        string pending = "";
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && pending.Length == 0))
                continue;
            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }
            line = (pending + line).Trim();
            pending = "";
            if (line.Length == 0)
                continue;
            int space = line.IndexOf(' ');
            result.Add((line[..space].ToUpperInvariant(), line[(space + 1)..].Trim()));
        }
        return result;
    }

    [GeneratedRegex(@"src/[\w./-]+\.csproj")]
    private static partial Regex ProjectPattern();

    [GeneratedRegex("\"--config\",\\s*\"([^\"]+)\"")]
    private static partial Regex ConfigPattern();
}
