namespace Edge.Cli;

/// <summary>The model bundled with the CLI, so that a first run does real work without arguments.</summary>
public static class SampleModel
{
    /// <summary>Folder of the bundled sample (ONNX backend-test layout).</summary>
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "samples", "digits-student");

    public static string ModelPath => Path.Combine(Folder, "model.onnx");

    /// <summary>The sample's input: one 8x8 handwritten digit from sklearn's test split.</summary>
    public static string InputPath => Path.Combine(Folder, "test_data_set_0", "input_0.pb");
}
