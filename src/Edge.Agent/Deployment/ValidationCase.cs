using Edge.Onnx.Protos;

namespace Edge.Agent.Deployment;

/// <summary>One validation case: the model's inputs and expected outputs, by position.</summary>
public sealed record ValidationCase(IReadOnlyList<TensorProto> Inputs, IReadOnlyList<TensorProto> Outputs);
