namespace Edge.Runtime.Operators;

/// <summary>
/// Intra-op parallel loops over a session's own worker threads. With one thread everything runs
/// inline: batch-1 kernels often lose when split, so each kernel decides by its own work size
/// whether to go parallel. A loop started while another run holds the workers runs inline rather
/// than waiting, so concurrent requests never queue behind each other here.
/// </summary>
public sealed class ParallelRunner : IDisposable
{
    /// <summary>Runs everything on the calling thread.</summary>
    public static readonly ParallelRunner Sequential = new(1);

    private readonly Thread[] _workers;
    private readonly SemaphoreSlim _start;
    private readonly Dictionary<Type, object> _boxes = [];
    private readonly Lock _busy = new();
    private object? _box;
    private Action<object, int, int>? _invoke;
    private int _count, _chunks, _nextChunk, _pending, _generation, _sleepers;

    // How long a worker keeps spinning for the next loop before it blocks: kernels of one inference
    // start parallel loops every few tens of microseconds, and waking a blocked thread takes about as long,
    // so a worker asleep when a loop starts makes the caller wait for it. Spinning for a fixed count
    // of SpinWait let workers fall asleep between back-to-back inferences of a 0.1 ms model (`edge
    // bench` on ptq_per_channel at batch 16: p50 0.264 ms on 2 threads, 0.103 on 1); a time bound
    // holds on every CPU. 0.5 ms: ResNet and the PTQ fixture measured the same from 0.13 to 1 ms.
    private static readonly long SpinTicks = System.Diagnostics.Stopwatch.Frequency / 2000;
    private volatile bool _disposed;
    private Exception? _failure;

    public ParallelRunner(int threads)
    {
        if (threads < 1)
            throw new ArgumentOutOfRangeException(nameof(threads), threads, "at least one thread");
        Threads = threads;
        _start = new SemaphoreSlim(0);
        _workers = new Thread[threads - 1];
        for (int i = 0; i < _workers.Length; i++)
        {
            _workers[i] = new Thread(WorkerLoop) { IsBackground = true, Name = $"edge-intra-op-{i + 1}" };
            _workers[i].Start();
        }
    }

    public int Threads { get; }

    /// <summary>
    /// Calls <paramref name="body"/>(start, end) over [0, count) in at most <see cref="Threads"/>
    /// chunks of at least <paramref name="minChunk"/> items. Convenient; allocates a closure per call
    /// where the lambda captures — hot kernels use the allocation-free overload.
    /// </summary>
    public void For(int count, int minChunk, Action<int, int> body)
    {
        unsafe
        {
            For(count, minChunk, body, &InvokeAction);
        }
    }

    private static void InvokeAction(in Action<int, int> body, int start, int end) => body(start, end);

    /// <summary>
    /// Allocation-free parallel loop: <paramref name="body"/>(state, start, end) over [0, count).
    /// <paramref name="state"/> carries what the chunks need (tensors, sizes) by value.
    /// </summary>
    public unsafe void For<TState>(int count, int minChunk, in TState state, delegate*<in TState, int, int, void> body)
    {
        int chunks = Math.Min(Threads, Math.Max(1, count / Math.Max(1, minChunk)));
        if (chunks <= 1 || !_busy.TryEnter())
        {
            body(in state, 0, count);
            return;
        }
        try
        {
            if (!_boxes.TryGetValue(typeof(TState), out var boxObject))
                _boxes[typeof(TState)] = boxObject = new StateBox<TState>();
            var box = (StateBox<TState>)boxObject;
            box.State = state;
            box.Body = body;
            _box = box;
            _invoke = StateBox<TState>.Invoke;
            _count = count;
            _chunks = chunks;
            Volatile.Write(ref _pending, chunks);
            // Publishing the chunk counter last: any thread that sees it reset sees the whole job.
            Volatile.Write(ref _nextChunk, 0);
            Interlocked.Increment(ref _generation);
            int sleepers = Volatile.Read(ref _sleepers);
            if (sleepers > 0)
                _start.Release(Math.Min(sleepers, chunks - 1));
            RunChunks();
            var spinner = new SpinWait();
            while (Volatile.Read(ref _pending) > 0)
                spinner.SpinOnce(sleep1Threshold: -1);
            box.State = default!;
            if (Interlocked.Exchange(ref _failure, null) is { } failure)
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
        finally
        {
            _busy.Exit();
        }
    }

    private void RunChunks()
    {
        int chunk;
        while ((chunk = Interlocked.Increment(ref _nextChunk) - 1) < _chunks)
        {
            int start = (int)((long)_count * chunk / _chunks);
            int end = (int)((long)_count * (chunk + 1) / _chunks);
            try
            {
                _invoke!(_box!, start, end);
            }
            catch (Exception e)
            {
                // A worker must never die of a kernel's exception: hand it to the caller.
                Interlocked.CompareExchange(ref _failure, e, null);
            }
            finally
            {
                Interlocked.Decrement(ref _pending);
            }
        }
    }

    private void WorkerLoop()
    {
        int seen = 0;
        while (!_disposed)
        {
            long deadline = System.Diagnostics.Stopwatch.GetTimestamp() + SpinTicks;
            while (Volatile.Read(ref _generation) == seen && System.Diagnostics.Stopwatch.GetTimestamp() < deadline)
                Thread.SpinWait(20);
            if (Volatile.Read(ref _generation) == seen)
            {
                // Correctness never depends on this wake-up: the caller runs any chunk no worker takes.
                Interlocked.Increment(ref _sleepers);
                if (Volatile.Read(ref _generation) == seen && !_disposed)
                    _start.Wait();
                Interlocked.Decrement(ref _sleepers);
                continue;
            }
            seen = Volatile.Read(ref _generation);
            if (!_disposed)
                RunChunks();
        }
    }

    public void Dispose()
    {
        if (_disposed || _workers.Length == 0)
            return;
        _disposed = true;
        Interlocked.Increment(ref _generation);
        _start.Release(_workers.Length);
    }

    private sealed unsafe class StateBox<TState>
    {
        public static readonly Action<object, int, int> Invoke = (box, start, end) =>
        {
            var typed = (StateBox<TState>)box;
            typed.Body(in typed.State, start, end);
        };

        public TState State = default!;
        public delegate*<in TState, int, int, void> Body;
    }
}
