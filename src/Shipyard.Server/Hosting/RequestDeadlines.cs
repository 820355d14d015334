using Microsoft.Extensions.Options;
using Shipyard.Http.Hosting;

namespace Shipyard.Server.Hosting;

/// <summary>
/// The deadlines of the requests in flight, checked by one timer that sweeps them every <see cref="Period"/>: a request
/// past its deadline has its token cancelled (<see cref="Deadline.TimedOut"/>), and so has one whose original
/// <c>RequestAborted</c> fired (the client went away). ASP.NET Core's request-timeouts middleware gives each request a
/// linked token source and a timer instead; on the predict route that was 4% of the server's CPU (timer-queue locking,
/// linking and disposing), while this costs two list operations under an uncontended lock. The price is precision: a
/// request is cancelled up to one period after its deadline, or after its client left (Kestrel's own reads of the
/// body notice that at once). A singleton.
/// </summary>
internal sealed class RequestDeadlines : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Timer _sweeper;
    private Deadline? _first;

    /// <summary>Creates the sweeper; its period is a tenth of the shortest limit that is on, between 10 ms and 1 s.</summary>
    public RequestDeadlines(IOptions<HttpServerOptions> options)
    {
        var http = options.Value;
        // A limit of zero or less is off (RequestTimeLimitMiddleware): it does not set the period, else the sweeper would
        // wake every 10 ms for nothing. With both off the period is the longest, 1 s.
        var limits = new[] { http.RequestTimeout, http.UploadTimeout }.Where(t => t > TimeSpan.Zero).ToArray();
        var shortest = limits.Length > 0 ? limits.Min() : TimeSpan.MaxValue;
        Period = TimeSpan.FromTicks(Math.Clamp(shortest.Ticks / 10, TimeSpan.TicksPerMillisecond * 10, TimeSpan.TicksPerSecond));
        _sweeper = new Timer(static state => ((RequestDeadlines)state!).Sweep(), this, Period, Period);
    }

    /// <summary>How often deadlines are checked.</summary>
    public TimeSpan Period { get; }

    /// <summary>Starts timing a request that may take <paramref name="timeout"/>; pass the returned deadline to <see cref="Finish"/>.</summary>
    public Deadline Start(TimeSpan timeout, CancellationToken original)
    {
        var deadline = new Deadline(Environment.TickCount64 + (long)timeout.TotalMilliseconds, original);
        lock (_lock)
        {
            deadline.Next = _first;
            if (_first is not null)
            {
                _first.Previous = deadline;
            }

            _first = deadline;
        }

        return deadline;
    }

    /// <summary>Stops timing a request (whether or not its deadline passed).</summary>
    public void Finish(Deadline deadline)
    {
        ArgumentNullException.ThrowIfNull(deadline);
        lock (_lock)
        {
            Unlink(deadline);
        }

        // Not disposed: it has no timer or wait handle to free, and the sweeper may be cancelling it right now.
    }

    /// <inheritdoc />
    public void Dispose() => _sweeper.Dispose();

    private void Sweep()
    {
        var now = Environment.TickCount64;
        List<Deadline>? due = null;
        lock (_lock)
        {
            for (var deadline = _first; deadline is not null; deadline = deadline.Next)
            {
                if (deadline.DueAt <= now || deadline.Original.IsCancellationRequested)
                {
                    deadline.TimedOut = !deadline.Original.IsCancellationRequested;
                    (due ??= []).Add(deadline);
                }
            }

            foreach (var deadline in due ?? [])
            {
                Unlink(deadline);
            }
        }

        foreach (var deadline in due ?? [])
        {
            // Each request's cancellation callbacks run on the thread pool, not one after another on the sweeper's thread;
            // a callback's failure belongs to its request, which sees the cancellation either way.
            _ = deadline.CancelAsync();
        }
    }

    private void Unlink(Deadline deadline)
    {
        if (deadline.Previous is null && _first != deadline)
        {
            return; // already unlinked
        }

        if (deadline.Previous is null)
        {
            _first = deadline.Next;
        }
        else
        {
            deadline.Previous.Next = deadline.Next;
        }

        if (deadline.Next is not null)
        {
            deadline.Next.Previous = deadline.Previous;
        }

        deadline.Previous = deadline.Next = null;
    }

    /// <summary>One request's deadline: its token is what the request sees as <c>RequestAborted</c>.</summary>
    internal sealed class Deadline(long dueAt, CancellationToken original) : CancellationTokenSource
    {
        /// <summary>The request's own abort token (the client went away).</summary>
        public CancellationToken Original { get; } = original;

        /// <summary>When it is due, in <see cref="Environment.TickCount64"/> milliseconds.</summary>
        public long DueAt { get; } = dueAt;

        /// <summary>Whether the token was cancelled because the deadline passed (not because the client left).</summary>
        public bool TimedOut { get; set; }

        internal Deadline? Previous { get; set; }

        internal Deadline? Next { get; set; }
    }
}
