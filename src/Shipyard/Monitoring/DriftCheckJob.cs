using System.Globalization;
using Shipyard.Models;
using Microsoft.Extensions.Logging;
using Shipyard.Monitoring.Baselines;
using Shipyard.Monitoring.Evaluation;
using Shipyard.Monitoring.Reports;
using Shipyard.Scoring;
using Shipyard.Telemetry;

namespace Shipyard.Monitoring;

/// <summary>
/// One run of the drift check over every model version with traffic (the routing's production and canary versions):
/// flushes this process's prediction log, loads each version's <c>baseline.json</c> (<see cref="ModelRegistry.ReadPackageFileAsync"/>), runs <see cref="DriftMonitor"/> over the window that ends now, and emits
/// telemetry: event <c>DriftReport</c> per report, event <c>DriftDetected</c> (dimensions <c>model</c>, <c>version</c>)
/// when the configured rule alerts, metric <c>DriftScore</c> per feature and <c>DriftedShare</c> per report.
/// Then each model with a production version is evaluated against its outcomes (<see cref="EvaluationCheck"/>: report,
/// telemetry, alert, the optional automatic rollback); a failed evaluation is logged and never fails the drift check.
/// Used by the <c>DriftCheck</c> timer function and the standalone server's scheduler; runs never overlap
/// within a process. A version without a usable baseline is skipped and reported, never fails the others.
/// </summary>
public sealed partial class DriftCheckJob(
    ModelRegistry registry,
    PredictionLogWriter predictionLog,
    DriftMonitor monitor,
    EvaluationCheck evaluation,
    IShipyardTelemetry telemetry,
    ILogger<DriftCheckJob> logger) : IDisposable
{
    /// <summary>Event sent for every report.</summary>
    public const string ReportEvent = "DriftReport";

    /// <summary>Event sent when the rule alerts (infra's alert rule queries exactly this name).</summary>
    public const string DriftDetectedEvent = "DriftDetected";

    /// <summary>Metric per feature per report: the feature's drift score (Jensen–Shannon distance).</summary>
    public const string FeatureScoreMetric = "DriftScore";

    /// <summary>Metric per report: the share of drifted features.</summary>
    public const string DriftedShareMetric = "DriftedShare";

    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Checks every model version with traffic; waits for a run already in progress to finish first.</summary>
    /// <exception cref="InvalidOperationException">The registry has not finished its first load (the next schedule runs it).</exception>
    public async Task<IReadOnlyList<DriftCheckOutcome>> RunAsync(CancellationToken cancellationToken = default)
    {
        if (!registry.IsReady)
        {
            throw new InvalidOperationException("The model registry is still loading; the drift check runs at the next schedule.");
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Records buffered in this process belong to the window too.
            await predictionLog.FlushAsync(cancellationToken).ConfigureAwait(false);
            var outcomes = new List<DriftCheckOutcome>();
            foreach (var model in registry.List())
            {
                foreach (var version in VersionsWithTraffic(model.Routing))
                {
                    outcomes.Add(await CheckVersionAsync(model, version, cancellationToken).ConfigureAwait(false));
                }

                if (model.Routing.Production is not null)
                {
                    await EvaluateAsync(model, cancellationToken).ConfigureAwait(false);
                }
            }

            return outcomes;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();

    private async Task EvaluateAsync(ModelInfo model, CancellationToken cancellationToken)
    {
        try
        {
            var outcome = await evaluation.RunAsync(model, cancellationToken).ConfigureAwait(false);
            LogEvaluated(model.Name, outcome.Verdict ?? "no canary", outcome.Alerted, outcome.RolledBack, outcome.Report);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogEvaluationFailed(e, model.Name);
        }
    }

    /// <summary>Production, then canary (when it is another version).</summary>
    internal static IReadOnlyList<string> VersionsWithTraffic(ModelRouting routing)
    {
        var versions = new List<string>(2);
        if (routing.Production is { } production)
        {
            versions.Add(production);
        }

        if (routing.Canary is { Percent: > 0 } canary && !versions.Contains(canary.Version))
        {
            versions.Add(canary.Version);
        }

        return versions;
    }

    private async Task<DriftCheckOutcome> CheckVersionAsync(ModelInfo model, string version, CancellationToken cancellationToken)
    {
        BaselineProfile? baseline;
        try
        {
            baseline = await LoadBaselineAsync(model, version, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            LogSkipped(model.Name, version, e.Message);
            return new DriftCheckOutcome(model.Name, version, DriftCheckOutcome.Skipped, null, false, false, [], e.Message);
        }

        if (baseline is null)
        {
            const string reason = "no baseline.json in its package (create one with `shipyard profile`)";
            LogSkipped(model.Name, version, reason);
            return new DriftCheckOutcome(model.Name, version, DriftCheckOutcome.Skipped, null, false, false, [], reason);
        }

        var result = await monitor.CheckAsync(baseline, cancellationToken: cancellationToken).ConfigureAwait(false);
        var report = result.Report;
        var alerted = result.Alerted;
        EmitTelemetry(report, result, alerted);
        return new DriftCheckOutcome(model.Name, version, report.Status, result.JsonBlobName, alerted, result.RetrainRequested, report.TopDriftedFeatures);
    }

    /// <summary>baseline.json of the version, where the registry finds the version's package files.</summary>
    private async Task<BaselineProfile?> LoadBaselineAsync(ModelInfo model, string version, CancellationToken cancellationToken)
    {
        if (await registry.ReadPackageFileAsync(model.Name, version, "baseline.json", cancellationToken).ConfigureAwait(false) is not var (origin, content))
        {
            return null;
        }

        var baseline = BaselineProfileJson.Deserialize(System.Text.Encoding.UTF8.GetString(content), origin);
        if (baseline.Model != model.Name || baseline.Version != version)
        {
            throw new InvalidDataException($"{origin} profiles {baseline.Model} v{baseline.Version}, not {model.Name} v{version}.");
        }

        return baseline;
    }

    private void EmitTelemetry(DriftReport report, DriftCheckResult result, bool alerted)
    {
        var share = (report.DatasetDrift?.DriftedShare ?? 0).ToString("0.####", CultureInfo.InvariantCulture);
        var top = string.Join(",", report.TopDriftedFeatures);
        telemetry.TrackEvent(ReportEvent, new Dictionary<string, string>
        {
            ["model"] = report.Model,
            ["version"] = report.Version,
            ["status"] = report.Status,
            ["rows"] = report.Rows.ToString(CultureInfo.InvariantCulture),
            ["driftedShare"] = share,
            ["topDriftedFeatures"] = top,
            ["report"] = result.JsonBlobName,
        });
        if (alerted)
        {
            telemetry.TrackEvent(DriftDetectedEvent, new Dictionary<string, string>
            {
                ["model"] = report.Model,
                ["version"] = report.Version,
                ["status"] = report.Status,
                ["driftedShare"] = share,
                ["topDriftedFeatures"] = top,
                ["report"] = result.JsonBlobName,
                ["retrainRequested"] = result.RetrainRequested ? "true" : "false",
            });
        }

        if (report.DatasetDrift is { } dataset)
        {
            telemetry.TrackMetric(DriftedShareMetric, dataset.DriftedShare, new Dictionary<string, string> { ["model"] = report.Model, ["version"] = report.Version });
        }

        foreach (var feature in report.Features)
        {
            telemetry.TrackMetric(FeatureScoreMetric, feature.DriftScore, new Dictionary<string, string>
            {
                ["model"] = report.Model,
                ["version"] = report.Version,
                ["feature"] = feature.Drift.Name,
                ["drifted"] = feature.Drift.Drifted ? "true" : "false",
            });
        }

        LogChecked(report.Model, report.Version, report.Status, report.Rows, top, alerted);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Evaluation of {Model}: {Verdict}, alerted {Alerted}, rolled back {RolledBack}, report {Report}")]
    private partial void LogEvaluated(string model, string verdict, bool alerted, bool rolledBack, string report);

    [LoggerMessage(Level = LogLevel.Error, Message = "Evaluation of {Model} failed; the drift check went on")]
    private partial void LogEvaluationFailed(Exception exception, string model);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drift check skipped {Model} v{Version}: {Reason}")]
    private partial void LogSkipped(string model, string version, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drift check {Model} v{Version}: {Status}, {Rows} records, drifted [{Features}], alerted {Alerted}")]
    private partial void LogChecked(string model, string version, string status, long rows, string features, bool alerted);
}
