using Edge.Runtime.Backends;
using Edge.Runtime.Ilgpu.Operators;
using Edge.Runtime.Operators;
using ILGPU;
using ILGPU.Runtime;
using Kernel = Edge.Runtime.Operators.Kernel;

namespace Edge.Runtime.Ilgpu;

/// <summary>
/// An execution backend over one ILGPU <see cref="Accelerator"/>: owns the context, the stream the
/// partitions run on and the loaded (compiled) kernels. Runs whole partitions: weights are uploaded and
/// every kernel is compiled when the session is planned; values stay on the device between nodes.
/// Device specifics (which accelerator, group sizes) come from small hooks of the subclasses.
/// </summary>
public abstract class IlgpuBackend : ExecutionBackend
{
    private readonly Dictionary<Delegate, Delegate> _kernels = new(DelegateMethodComparer.Instance);
    private readonly Lock _kernelLock = new();

    /// <param name="context">The ILGPU context; the backend owns and disposes it.</param>
    /// <param name="accelerator">The accelerator on <paramref name="context"/>; owned as well.</param>
    protected IlgpuBackend(Context context, Accelerator accelerator)
    {
        Context = context;
        Accelerator = accelerator;
        Stream = accelerator.DefaultStream;
    }

    public Context Context { get; }

    public Accelerator Accelerator { get; }

    /// <summary>The stream every partition of this backend runs on (partitions run one at a time).</summary>
    public AcceleratorStream Stream { get; }

    /// <summary>Serializes partitions: they share the stream and own device buffers.</summary>
    internal Lock DeviceLock { get; } = new();

    public override bool UsesPartitions => true;

    public override string Description => $"{Accelerator.AcceleratorType} {Accelerator.Name} ({Memory}, {Accelerator.NumMultiprocessors} compute units)";

    // ILGPU's CPU accelerator reports long.MaxValue bytes: say what that means rather than print 8 EiB.
    private string Memory => Accelerator.AcceleratorType == ILGPU.Runtime.AcceleratorType.CPU ? "host memory" : $"{Accelerator.MemorySize / (1024 * 1024)} MiB";

    /// <summary>Side of the square thread tile of the tiled GEMM (tile² threads per group).</summary>
    public int GemmTile => GemmTileInternal;

    /// <summary>Threads per group of the one-dimensional kernels (GEMV, reductions).</summary>
    public int GroupSize => GroupSizeInternal;

    /// <summary>
    /// "yes" or the element types when the ILGPU backends have device kernels for the op, null when not; they still
    /// decline nodes whose types, attributes or run-time parameters they do not handle (those run on the CPU).
    /// </summary>
    public static string? DeviceSupport(string domain, string opType) => DeviceOperators.All.FirstOrDefault(o => o.Domain == domain && o.OpType == opType)?.Types;

    /// <summary>Loads (compiles) <paramref name="kernel"/> once per backend; later calls return the loaded launcher.</summary>
    internal TLauncher Kernel<TKernel, TLauncher>(TKernel kernel, Func<Accelerator, TKernel, TLauncher> load)
        where TKernel : Delegate where TLauncher : Delegate
    {
        lock (_kernelLock)
        {
            if (!_kernels.TryGetValue(kernel, out var launcher))
                _kernels[kernel] = launcher = load(Accelerator, kernel);
            return (TLauncher)launcher;
        }
    }

    protected override bool SupportsInternal(Operator op, NodeContext context) =>
        DeviceOperators.Find(op) is { } device && device.Supports(context, this);

    protected override Kernel CreateKernelInternal(Operator op, NodeContext context) =>
        CreatePartitionKernel(new ExecutionPartition([new PartitionNode(op, context)],
            Enumerable.Range(0, context.InputCount).Where(i => context.HasInput(i) && context.InputValue(i) is null).Select(context.Node.Input).Distinct().ToList(),
            context.Node.Outputs.Where(o => o.Length > 0).ToList()));

    protected override Kernel CreatePartitionKernelInternal(ExecutionPartition partition) => new PartitionKernel(this, partition);

    protected override void DisposeInternal()
    {
        Accelerator.Dispose();
        Context.Dispose();
    }

    protected abstract int GemmTileInternal { get; }

    protected abstract int GroupSizeInternal { get; }

    /// <summary>Kernels are keyed by their static method, whatever delegate instance carries it.</summary>
    private sealed class DelegateMethodComparer : IEqualityComparer<Delegate>
    {
        public static DelegateMethodComparer Instance { get; } = new();

        public bool Equals(Delegate? x, Delegate? y) => x?.Method == y?.Method;

        public int GetHashCode(Delegate obj) => obj.Method.GetHashCode();
    }
}
