using Edge.Onnx.Protos;
using Google.Protobuf;

namespace Edge.Onnx;

/// <summary>Writes models and tensors atomically: a temp file beside the target, fsynced, then renamed over it.</summary>
public static class OnnxModelWriter
{
    /// <summary>Writes a model; a reader never sees a half-written file.</summary>
    public static void WriteModel(ModelProto model, string path) => WriteAtomic(model, path);

    /// <summary>Writes one TensorProto file.</summary>
    public static void WriteTensor(TensorProto tensor, string path) => WriteAtomic(tensor, path);

    /// <summary>Writes a message atomically (temp file, fsync, rename).</summary>
    public static void WriteAtomic(IMessage message, string path) => AtomicFile.Write(path, message.WriteTo);
}
