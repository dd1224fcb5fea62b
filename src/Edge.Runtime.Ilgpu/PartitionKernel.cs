using System.Diagnostics;
using Edge.Runtime.Backends;
using Edge.Runtime.Ilgpu.Operators;
using Edge.Runtime.Operators;
using Edge.Runtime.Tensors;
using ILGPU;
using ILGPU.Runtime;
using Kernel = Edge.Runtime.Operators.Kernel;

namespace Edge.Runtime.Ilgpu;

/// <summary>
/// One planned partition on an ILGPU device: uploads the values entering it, runs each node's
/// device kernels in order on device-resident buffers and downloads only the values leaving it.
/// Weights were uploaded and kernels compiled when it was built.
/// </summary>
internal sealed class PartitionKernel : Kernel, IDeviceProfile
{
    private readonly IlgpuBackend _backend;
    private readonly MemoryBuffer1D<byte, Stride1D.Dense>[] _inputs;
    private readonly MemoryBuffer1D<byte, Stride1D.Dense>[] _outputs;
    private readonly (string Name, Action Launch)[] _launches;
    // Held for the plan's lifetime: the launches only see views of these.
    private readonly MemoryBuffer[] _buffers;
    private readonly long[] _ticks;
    private readonly long[] _counts;
    private long _uploaded;
    private long _downloaded;

    public PartitionKernel(IlgpuBackend backend, ExecutionPartition partition)
    {
        _backend = backend;
        var builder = new PartitionBuilder(backend, LastUses(partition), partition.Outputs);
        _inputs = partition.Inputs.Select(name => builder.ValueBuffer(name, BoundaryBytes(partition, name))).ToArray();
        for (int i = 0; i < partition.Nodes.Count; i++)
        {
            var node = partition.Nodes[i];
            var device = DeviceOperators.Find(node.Operator)
                ?? throw node.Context.Fail($"backend '{backend.Name}' has no kernel for {node.Operator.OpType}");
            builder.NodeName = node.Context.Node.Name;
            device.Build(node.Context, builder);
            builder.EndNode(i);
        }
        DeviceValueBytes = builder.ValueBytes;
        _buffers = [.. builder.Buffers];
        DeviceBytes = _buffers.Sum(b => b.LengthInBytes);
        _outputs = partition.Outputs.Select(builder.Value).ToArray();
        _launches = [.. builder.Launches];
        _ticks = new long[_launches.Length];
        _counts = new long[_launches.Length];
        // Weight uploads are queued on the stream; finish them while the session is being built.
        backend.Stream.Synchronize();
    }

    /// <summary>Device bytes held for the partition's run-time values (pooled by liveness; weights and scratch not included).</summary>
    public long DeviceValueBytes { get; }

    /// <summary>All device memory the partition holds: values, uploaded weights and scratch.</summary>
    public long DeviceBytes { get; }

    public bool TimeKernels { get; set; }

    public IReadOnlyList<DeviceKernelTiming> Kernels =>
        _launches.Select((l, i) => new DeviceKernelTiming(l.Name, Stopwatch.GetElapsedTime(0, _ticks[i]), _counts[i])).Where(t => t.Launches > 0).ToList();

    public long BytesUploaded => Interlocked.Read(ref _uploaded);

    public long BytesDownloaded => Interlocked.Read(ref _downloaded);

    public void Reset()
    {
        Array.Clear(_ticks);
        Array.Clear(_counts);
        Interlocked.Exchange(ref _uploaded, 0);
        Interlocked.Exchange(ref _downloaded, 0);
    }

    public override void Execute(KernelContext context)
    {
        var stream = _backend.Stream;
        lock (_backend.DeviceLock)
        {
            for (int i = 0; i < _inputs.Length; i++)
            {
                var bytes = context.Input(i).Bytes;
                _inputs[i].View.SubView(0, bytes.Length).CopyFromCPU(stream, (ReadOnlySpan<byte>)bytes);
                Interlocked.Add(ref _uploaded, bytes.Length);
            }
            for (int i = 0; i < _launches.Length; i++)
            {
                if (!TimeKernels)
                {
                    _launches[i].Launch();
                    continue;
                }
                long start = Stopwatch.GetTimestamp();
                _launches[i].Launch();
                stream.Synchronize();
                _ticks[i] += Stopwatch.GetTimestamp() - start;
                _counts[i]++;
            }
            for (int i = 0; i < _outputs.Length; i++)
            {
                var bytes = context.Output(i).Bytes;
                _outputs[i].View.SubView(0, bytes.Length).CopyToCPU(stream, bytes);
                Interlocked.Add(ref _downloaded, bytes.Length);
            }
            stream.Synchronize();
        }
    }

    /// <summary>Per run-time value, the last node reading it; values nothing reads die where they are produced.</summary>
    private static Dictionary<string, int> LastUses(ExecutionPartition partition)
    {
        var last = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < partition.Nodes.Count; i++)
        {
            var context = partition.Nodes[i].Context;
            for (int k = 0; k < context.InputCount; k++)
                if (context.HasInput(k) && context.InputValue(k) is null)
                    last[context.Node.Input(k)] = i;
            foreach (string output in context.Node.Outputs.Where(o => o.Length > 0))
                last.TryAdd(output, i);
        }
        return last;
    }

    private static int BoundaryBytes(ExecutionPartition partition, string name)
    {
        foreach (var node in partition.Nodes)
            for (int i = 0; i < node.Context.InputCount; i++)
                if (node.Context.Node.Input(i) == name)
                    return node.Context.InputShape(i).ElementCount * node.Context.InputType(i).SizeOf();
        throw new InvalidOperationException($"partition input '{name}' is not read by any node");
    }
}
