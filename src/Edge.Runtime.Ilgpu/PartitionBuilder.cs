using Edge.Runtime.Backends;
using Edge.Runtime.Operators;
using Edge.Runtime.Tensors;
using ILGPU;
using ILGPU.Runtime;

namespace Edge.Runtime.Ilgpu;

/// <summary>
/// What a device operator sees while a partition is built: device views of its inputs and outputs,
/// constant uploads (weights, once), scratch buffers, and the launch list it appends to. Value buffers
/// are pooled: once a value's last reader is built, its buffer serves later values (launches run in
/// order on one stream, so reuse never races).
/// </summary>
internal sealed class PartitionBuilder
{
    private readonly Dictionary<string, MemoryBuffer1D<byte, Stride1D.Dense>> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<MemoryBuffer1D<byte, Stride1D.Dense>, int> _liveNames = [];
    private readonly List<MemoryBuffer1D<byte, Stride1D.Dense>> _free = [];
    private readonly IReadOnlyDictionary<string, int> _lastUse;
    private readonly HashSet<string> _kept;
    private readonly Dictionary<string, MemoryBuffer1D<byte, Stride1D.Dense>> _constants = new(StringComparer.Ordinal);
    private readonly List<MemoryBuffer> _buffers = [];
    private readonly List<(string Name, Action Launch)> _launches = [];

    /// <param name="lastUse">Per run-time value, the index of the last node reading it (or producing it, when nothing reads it).</param>
    /// <param name="kept">Values that must survive the whole partition (its outputs).</param>
    public PartitionBuilder(IlgpuBackend backend, IReadOnlyDictionary<string, int> lastUse, IEnumerable<string> kept)
    {
        Backend = backend;
        _lastUse = lastUse;
        _kept = new HashSet<string>(kept, StringComparer.Ordinal);
    }

    public IlgpuBackend Backend { get; }

    public Accelerator Accelerator => Backend.Accelerator;

    public AcceleratorStream Stream => Backend.Stream;

    /// <summary>The node being built (names launches).</summary>
    public string NodeName { get; set; } = "";

    public IReadOnlyList<(string Name, Action Launch)> Launches => _launches;

    /// <summary>Every device allocation of the partition (values, constants, scratch).</summary>
    public IReadOnlyList<MemoryBuffer> Buffers => _buffers;

    /// <summary>Bytes of device memory the partition's values occupy (after pooling).</summary>
    public long ValueBytes { get; private set; }

    /// <summary>The device buffer of a run-time value (on first use: a free pooled buffer that fits, else a new one).</summary>
    public MemoryBuffer1D<byte, Stride1D.Dense> ValueBuffer(string name, int bytes)
    {
        if (!_values.TryGetValue(name, out var buffer))
        {
            // Rounded up to whole words so views may be reinterpreted as int or float.
            int size = Math.Max(4, (bytes + 3) & ~3);
            buffer = _free.Where(b => b.Length >= size).MinBy(b => b.Length);
            if (buffer is not null)
            {
                _free.Remove(buffer);
            }
            else
            {
                buffer = Accelerator.Allocate1D<byte>(size);
                _buffers.Add(buffer);
                ValueBytes += size;
            }
            Track(name, buffer);
        }
        return buffer;
    }

    /// <summary>Returns the buffers of values whose last reader was node <paramref name="node"/> to the pool.</summary>
    public void EndNode(int node)
    {
        foreach (var name in _values.Keys.Where(n => !_kept.Contains(n) && _lastUse.TryGetValue(n, out int last) && last <= node).ToList())
        {
            var buffer = _values[name];
            _values.Remove(name);
            if (--_liveNames[buffer] == 0)
            {
                _liveNames.Remove(buffer);
                if (!_constants.ContainsValue(buffer))
                    _free.Add(buffer);
            }
        }
    }

    private void Track(string name, MemoryBuffer1D<byte, Stride1D.Dense> buffer)
    {
        _values[name] = buffer;
        _liveNames[buffer] = _liveNames.GetValueOrDefault(buffer) + 1;
    }

    /// <summary>Input <paramref name="index"/> of the node as a device view: a run-time value, or its constant uploaded once.</summary>
    public ArrayView<byte> Input(NodeContext context, int index)
    {
        string name = context.Node.Input(index);
        if (context.InputValue(index) is { } constant)
        {
            if (!_constants.TryGetValue(name, out var buffer))
            {
                buffer = Accelerator.Allocate1D<byte>(Math.Max(4, (constant.ByteLength + 3) & ~3));
                buffer.View.SubView(0, constant.ByteLength).CopyFromCPU(Stream, (ReadOnlySpan<byte>)constant.Bytes);
                _buffers.Add(buffer);
                _constants[name] = buffer;
            }
            return buffer.View;
        }
        return ValueBuffer(name, context.InputShape(index).ElementCount * context.InputType(index).SizeOf()).View;
    }

    public ArrayView<T> Input<T>(NodeContext context, int index) where T : unmanaged => Input(context, index).Cast<T>();

    /// <summary>Output <paramref name="index"/> of the node as a device view.</summary>
    public ArrayView<byte> Output(NodeContext context, int index) =>
        ValueBuffer(context.Node.Outputs[index], context.OutputShape(index).ElementCount * context.OutputType(index).SizeOf()).View;

    public ArrayView<T> Output<T>(NodeContext context, int index) where T : unmanaged => Output(context, index).Cast<T>();

    /// <summary>Makes output <paramref name="output"/> share input <paramref name="input"/>'s device bytes (reshapes move nothing).</summary>
    public void Alias(NodeContext context, int output, int input)
    {
        Input(context, input);
        string from = context.Node.Input(input);
        Track(context.Node.Outputs[output], _values.TryGetValue(from, out var value) ? value : _constants[from]);
    }

    /// <summary>Uploads host data once (packed weights, zero points, multipliers).</summary>
    public ArrayView<T> Upload<T>(ReadOnlySpan<T> data) where T : unmanaged
    {
        var buffer = Accelerator.Allocate1D<T>(Math.Max(1, data.Length));
        if (data.Length > 0)
            buffer.View.SubView(0, data.Length).CopyFromCPU(Stream, data);
        _buffers.Add(buffer);
        return buffer.View;
    }

    /// <summary>Device scratch memory owned by the partition.</summary>
    public ArrayView<T> Scratch<T>(int count) where T : unmanaged
    {
        var buffer = Accelerator.Allocate1D<T>(Math.Max(1, count));
        _buffers.Add(buffer);
        return buffer.View;
    }

    /// <summary>Appends a device launch to the partition, named after the node.</summary>
    public void Launch(string kernel, Action launch) => _launches.Add(($"{NodeName}: {kernel}", launch));

    /// <summary>The value's device buffer; the partition's boundary copies use it.</summary>
    public MemoryBuffer1D<byte, Stride1D.Dense> Value(string name) => _values[name];
}
