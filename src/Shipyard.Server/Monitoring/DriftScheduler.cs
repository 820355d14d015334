using Shipyard.Models;
using Shipyard.Monitoring;

namespace Shipyard.Server.Monitoring;

/// <summary>
/// The standalone server's stand-in for the Functions app's DriftCheck timer: waits for the
/// next occurrence of <c>DRIFT_SCHEDULE</c> (UTC) and runs <see cref="DriftCheckJob"/>. A failed run is logged and the next
/// occurrence runs again, as the timer trigger does; occurrences missed while a run was in progress are skipped.
/// </summary>
public sealed partial class DriftScheduler(
    DriftCheckJob job,
    ModelRegistry registry,
    DriftCheckOptions options,
    TimeProvider clock,
    ILogger<DriftScheduler> logger) : BackgroundService
{
    /// <summary>Runs completed since start (for diagnostics and tests).</summary>
    public int CompletedRuns => Volatile.Read(ref _completedRuns);

    private int _completedRuns;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogStarted(options.Schedule.Expression);
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = clock.GetUtcNow();
            var next = options.Schedule.GetNextOccurrence(now);
            try
            {
                await Task.Delay(next - now, clock, stoppingToken).ConfigureAwait(false);
                if (!registry.IsReady)
                {
                    LogNotReady();
                    continue;
                }

                await job.RunAsync(stoppingToken).ConfigureAwait(false);
                Interlocked.Increment(ref _completedRuns);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failed run must not stop the schedule; the next occurrence retries.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogRunFailed(e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Drift check scheduled on '{Schedule}' (UTC)")]
    private partial void LogStarted(string schedule);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drift check skipped: the model registry is still loading")]
    private partial void LogNotReady();

    [LoggerMessage(Level = LogLevel.Error, Message = "Scheduled drift check failed; the next occurrence runs again")]
    private partial void LogRunFailed(Exception exception);
}
