namespace Shipyard.Server.Tests.Monitoring;

/// <summary>System time plus an offset the test can move forward (timers stay real), so a later drift window excludes earlier traffic.</summary>
public sealed class ShiftableClock : TimeProvider
{
    private long _offsetTicks;

    /// <summary>Moves the clock forward by <paramref name="by"/>.</summary>
    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => base.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));
}
