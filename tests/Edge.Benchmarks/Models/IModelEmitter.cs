using Edge.Onnx.Protos;

namespace Edge.Benchmarks.Models;

/// <summary>An emitter that can hand back the model it has written.</summary>
internal interface IModelEmitter
{
    ModelProto ToModel(string docString);
}
