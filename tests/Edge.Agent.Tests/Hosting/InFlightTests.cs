using Edge.Agent.Hosting;

namespace Edge.Agent.Tests.Hosting;

public class InFlightTests
{
    [Fact]
    public void Requests_beyond_the_limit_are_turned_away_until_one_leaves()
    {
        var inFlight = new InFlight(limit: 2);
        Assert.True(inFlight.TryEnter());
        Assert.True(inFlight.TryEnter());
        Assert.False(inFlight.TryEnter());
        inFlight.Exit();
        Assert.True(inFlight.TryEnter());
    }

    [Fact]
    public async Task Closing_admits_nothing_more_and_completes_when_the_last_request_leaves()
    {
        var inFlight = new InFlight();
        Assert.True(inFlight.TryEnter());
        inFlight.Close();
        Assert.False(inFlight.TryEnter());
        Assert.True(inFlight.IsClosed);
        var drained = inFlight.WhenEmptyAsync();
        Assert.False(drained.IsCompleted);
        inFlight.Exit();
        await drained.WaitAsync(TimeSpan.FromSeconds(1));
    }
}
