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

    /// <summary>Writes bytes atomically (temp file, fsync, rename).</summary>
    public static void WriteAtomic(IMessage message, string path)
    {
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        string temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                message.WriteTo(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
