namespace Edge.Agent.Tests;

/// <summary>Files copied beside the test assembly (the sample model and the device configs) and the repository's own.</summary>
internal static class RepoFiles
{
    public static string SampleFolder => Path.Combine(AppContext.BaseDirectory, "samples", "digits-student");

    public static string SampleModel => Path.Combine(SampleFolder, "model.onnx");

    public static string SampleInput => Path.Combine(SampleFolder, "test_data_set_0", "input_0.pb");

    public static string SampleOutput => Path.Combine(SampleFolder, "test_data_set_0", "output_0.pb");

    public static string DeviceConfigs => Path.Combine(AppContext.BaseDirectory, "device-configs");

    /// <summary>The checkout (the folder with Edge.sln above the test assembly): Dockerfile, dashboards, fixtures.</summary>
    public static string Root => Runtime.Tests.RepositoryPaths.Root;

    public static string Fixture(string name) => Path.Combine(Runtime.Tests.RepositoryPaths.Fixtures, name);
}
