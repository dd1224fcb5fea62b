namespace Edge.Agent.Hosting;

/// <summary>Counts requests in flight (at most <paramref name="limit"/>); once closed it admits none and completes when the last one leaves.</summary>
internal sealed class InFlight(int limit = int.MaxValue)
{
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource _empty = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _count;
    private bool _closed;

    public bool IsClosed
    {
        get { lock (_lock) return _closed; }
    }

    public bool TryEnter()
    {
        lock (_lock)
        {
            if (_closed || _count >= limit)
                return false;
            _count++;
            return true;
        }
    }

    public void Exit()
    {
        lock (_lock)
        {
            if (--_count == 0 && _closed)
                _empty.TrySetResult();
        }
    }

    public void Close()
    {
        lock (_lock)
        {
            _closed = true;
            if (_count == 0)
                _empty.TrySetResult();
        }
    }

    public Task WhenEmptyAsync() => _empty.Task;
}
