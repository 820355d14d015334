using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Shipyard.Models;
using Shipyard.Monitoring.Reports;
using Shipyard.Storage;
using Shipyard.Telemetry;

namespace Shipyard.Monitoring.Evaluation;

/// <summary>
/// The scheduled evaluation of one model, run by the drift check (<see cref="DriftCheckJob"/>): writes the report, next
/// to the drift reports (<see cref="DriftMonitorOptions.ReportContainer"/>), as <c>drift-reports/{model}/evaluation/{yyyyMMddTHHmmssfffZ}.json</c> and <c>.html</c>; emits metric <c>EvaluationMetric</c>
/// per version, metric and kind (dimensions <c>model</c>, <c>version</c>, <c>arm</c>, <c>metric</c>, <c>kind</c> realized or
/// estimated) and event <c>EvaluationReport</c>; emits event <c>EvaluationBelowTraining</c> (the alert rule's query) when
/// production's realised (with enough outcomes) or estimated accuracy is more than <see cref="EvaluationOptions.AlertMargin"/>
/// below its manifest's training accuracy, or its MAE more than that fraction above the training MAE; and, only when
/// <see cref="EvaluationOptions.AutoRollback"/> is on, removes a canary whose verdict is "roll back" (event
/// <c>CanaryRolledBack</c>).
/// </summary>
public sealed partial class EvaluationCheck(EvaluationService evaluation, ModelRegistry registry, IBlobStore store, DriftMonitorOptions reports, IShipyardTelemetry telemetry, ILogger<EvaluationCheck> logger, TimeProvider? time = null)
{
    /// <summary>Metric per version, metric and kind.</summary>
    public const string MetricName = "EvaluationMetric";

    /// <summary>Event per report.</summary>
    public const string ReportEvent = "EvaluationReport";

    /// <summary>Event when production falls below its training metric (infra's alert rule queries exactly this name).</summary>
    public const string BelowTrainingEvent = "EvaluationBelowTraining";

    /// <summary>Event when the automatic action removed a canary.</summary>
    public const string RolledBackEvent = "CanaryRolledBack";

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>Evaluates <paramref name="model"/> over the default window and acts on the report as described on the type.</summary>
    /// <returns>The report's JSON blob name, and whether an alert was raised and the canary rolled back.</returns>
    public async Task<EvaluationCheckOutcome> RunAsync(ModelInfo model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var report = await evaluation.EvaluateAsync(model.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
        var jsonName = await ReportBlobs.WriteAsync(
            store, reports.ReportContainer, $"{model.Name}/evaluation", _time.GetUtcNow(), EvaluationReportHtml.Render(report), EvaluationReportJson.Write(report), cancellationToken).ConfigureAwait(false);

        EmitMetrics(report);
        var alerts = BelowTraining(report, model);
        foreach (var (version, metric, kind, value, training) in alerts)
        {
            telemetry.TrackEvent(BelowTrainingEvent, new Dictionary<string, string>
            {
                ["model"] = model.Name,
                ["version"] = version,
                ["metric"] = metric,
                ["kind"] = kind,
                ["value"] = value.ToString("G6", CultureInfo.InvariantCulture),
                ["training"] = training.ToString("G6", CultureInfo.InvariantCulture),
                ["report"] = jsonName,
            });
            LogBelowTraining(model.Name, version, kind, metric, value, training);
        }

        var rolledBack = false;
        if (evaluation.Options.AutoRollback && report.Comparison is { Verdict: VersionComparison.RollBack } comparison
            && await registry.RemoveCanaryAsync(model.Name, comparison.Candidate, cancellationToken).ConfigureAwait(false))
        {
            rolledBack = true;
            telemetry.TrackEvent(RolledBackEvent, new Dictionary<string, string>
            {
                ["model"] = model.Name,
                ["version"] = comparison.Candidate,
                ["metric"] = comparison.Metric,
                ["difference"] = (comparison.Difference ?? double.NaN).ToString("G6", CultureInfo.InvariantCulture),
                ["pValue"] = (comparison.PValue ?? double.NaN).ToString("G6", CultureInfo.InvariantCulture),
                ["report"] = jsonName,
            });
            LogRolledBack(model.Name, comparison.Candidate, comparison.Metric, comparison.Difference ?? double.NaN, comparison.PValue ?? double.NaN);
        }

        telemetry.TrackEvent(ReportEvent, new Dictionary<string, string>
        {
            ["model"] = model.Name,
            ["verdict"] = report.Comparison?.Verdict ?? "none",
            ["report"] = jsonName,
        });
        return new EvaluationCheckOutcome(model.Name, jsonName, report.Comparison?.Verdict, alerts.Count > 0, rolledBack);
    }

    private void EmitMetrics(EvaluationReport report)
    {
        foreach (var (version, v) in report.Versions)
        {
            var arm = string.Join(",", v.Arms);
            foreach (var (kind, metrics) in new[] { ("realized", v.Metrics), ("estimated", v.Estimated ?? new Dictionary<string, double?>()) })
            {
                foreach (var (metric, value) in metrics)
                {
                    if (value is { } m && (kind == "estimated" || v.WithOutcome > 0))
                    {
                        telemetry.TrackMetric(MetricName, m, new Dictionary<string, string> { ["model"] = report.Model, ["version"] = version, ["arm"] = arm, ["metric"] = metric, ["kind"] = kind });
                    }
                }
            }
        }
    }

    /// <summary>Production's metrics that fell below training by more than the margin.</summary>
    private List<(string Version, string Metric, string Kind, double Value, double Training)> BelowTraining(EvaluationReport report, ModelInfo model)
    {
        var alerts = new List<(string, string, string, double, double)>();
        if (model.Routing.Production is not { } production || !report.Versions.TryGetValue(production, out var v) ||
            model.Versions.FirstOrDefault(x => x.Version == production)?.Manifest?.Training is not { ValueKind: JsonValueKind.Object } training ||
            !training.TryGetProperty("metrics", out var metrics) || metrics.ValueKind != JsonValueKind.Object)
        {
            return alerts;
        }

        var margin = evaluation.Options.AlertMargin;
        var enough = v.WithOutcome >= evaluation.Options.MinimumOutcomes;
        if (metrics.TryGetProperty("accuracy", out var a) && a.TryGetDouble(out var trainingAccuracy))
        {
            if (enough && v.Metrics.GetValueOrDefault("accuracy") is { } realized && realized < trainingAccuracy - margin)
            {
                alerts.Add((production, "accuracy", "realized", realized, trainingAccuracy));
            }

            if (v.Count >= evaluation.Options.MinimumOutcomes && v.Estimated?.GetValueOrDefault("accuracy") is { } estimated && estimated < trainingAccuracy - margin)
            {
                alerts.Add((production, "accuracy", "estimated", estimated, trainingAccuracy));
            }
        }
        else if (metrics.TryGetProperty("mae", out var m) && m.TryGetDouble(out var trainingMae) && enough &&
                 v.Metrics.GetValueOrDefault("mae") is { } mae && mae > trainingMae * (1 + margin))
        {
            alerts.Add((production, "mae", "realized", mae, trainingMae));
        }

        return alerts;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Evaluation of {Model} v{Version}: {Kind} {Metric} {Value} is below training's {Training} by more than the margin")]
    private partial void LogBelowTraining(string model, string version, string kind, string metric, double value, double training);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Evaluation of {Model}: canary v{Version} rolled back automatically ({Metric} difference {Difference}, p = {PValue})")]
    private partial void LogRolledBack(string model, string version, string metric, double difference, double pValue);
}

/// <summary>What one scheduled evaluation did.</summary>
/// <param name="Model">The model.</param>
/// <param name="Report">The report's JSON blob in <c>drift-reports</c>.</param>
/// <param name="Verdict">The comparison's verdict, when there was a canary.</param>
/// <param name="Alerted">Whether production fell below training.</param>
/// <param name="RolledBack">Whether the canary was removed.</param>
public sealed record EvaluationCheckOutcome(string Model, string Report, string? Verdict, bool Alerted, bool RolledBack);
