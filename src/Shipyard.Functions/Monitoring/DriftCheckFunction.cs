using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Shipyard.Monitoring;

namespace Shipyard.Functions.Monitoring;

/// <summary>
/// <c>DriftCheck</c>: on every occurrence of <c>DRIFT_SCHEDULE</c> (NCRONTAB, UTC; the host resolves <c>%DRIFT_SCHEDULE%</c>
/// from app settings) runs <see cref="DriftCheckJob"/>, which writes <c>drift-reports/{model}/{version}/{timestamp}.json</c>
/// and <c>.html</c>, emits telemetry and requests retraining on drift. A failure fails the invocation; the next schedule runs again.
/// </summary>
public sealed partial class DriftCheckFunction(DriftCheckJob job, ILogger<DriftCheckFunction> logger)
{
    /// <summary>The function name.</summary>
    public const string Name = "DriftCheck";

    /// <summary>Checks every model version with traffic.</summary>
    [Function(Name)]
    public async Task RunAsync([TimerTrigger("%" + DriftCheckOptions.ScheduleSetting + "%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        if (timer.IsPastDue)
        {
            LogPastDue();
        }

        var outcomes = await job.RunAsync(cancellationToken).ConfigureAwait(false);
        foreach (var outcome in outcomes)
        {
            LogOutcome(outcome.Model, outcome.Version, outcome.Status, outcome.Report ?? outcome.Reason ?? string.Empty, outcome.RetrainRequested);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "DriftCheck: the timer is past due (a schedule was missed); checking the window that ends now")]
    private partial void LogPastDue();

    [LoggerMessage(Level = LogLevel.Information, Message = "DriftCheck {Model} v{Version}: {Status} ({Report}), retraining requested {Retrain}")]
    private partial void LogOutcome(string model, string version, string status, string report, bool retrain);
}
