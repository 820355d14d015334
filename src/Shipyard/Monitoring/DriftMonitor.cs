using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Shipyard.Monitoring.Baselines;
using Shipyard.Monitoring.Reports;
using Shipyard.Storage;

namespace Shipyard.Monitoring;

/// <summary>
/// One drift check of a model version: reads the window's prediction logs, compares them with the baseline,
/// writes <c>drift-reports/{model}/{version}/{timestamp}.json</c> and <c>.html</c>, emits telemetry (a log
/// event per report, metrics <c>shipyard.drift.feature_score</c> per feature and <c>shipyard.drift.drifted_share</c>
/// on meter <see cref="MeterName"/>), and on drift sends a retraining request through <see cref="IRetrainNotifier"/>.
/// A failing notifier is logged, never fails the check (the report is already written). Thread-safe.
/// </summary>
public sealed partial class DriftMonitor
{
    /// <summary>Name of the <see cref="Meter"/> the drift metrics are published on.</summary>
    public const string MeterName = "Shipyard.Drift";

    private static readonly Meter s_meter = new(MeterName);
    private static readonly Histogram<double> s_featureScore = s_meter.CreateHistogram<double>("shipyard.drift.feature_score", description: "Jensen–Shannon distance of a feature, per drift check");
    private static readonly Histogram<double> s_driftedShare = s_meter.CreateHistogram<double>("shipyard.drift.drifted_share", description: "Share of drifted features, per drift check");

    private readonly IBlobStore _store;
    private readonly IRetrainNotifier _notifier;
    private readonly DriftMonitorOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<DriftMonitor> _logger;

    /// <summary>A monitor over <paramref name="store"/>.</summary>
    public DriftMonitor(IBlobStore store, IRetrainNotifier notifier, ILogger<DriftMonitor> logger, DriftMonitorOptions? options = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(notifier);
        ArgumentNullException.ThrowIfNull(logger);
        _store = store;
        _notifier = notifier;
        _logger = logger;
        _options = options ?? new DriftMonitorOptions();
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>Checks the window that ends at <paramref name="windowEnd"/> (default: now) and has length <see cref="DriftMonitorOptions.Window"/>.</summary>
    public async Task<DriftCheckResult> CheckAsync(BaselineProfile baseline, DateTimeOffset? windowEnd = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        var now = _clock.GetUtcNow();
        var end = (windowEnd ?? now).ToUniversalTime();
        var start = end - _options.Window;
        var logs = await PredictionLogReader.ReadAsync(_store, _options.LogContainer, baseline, start, end, cancellationToken).ConfigureAwait(false);
        var report = DriftReportBuilder.Build(baseline, logs.Table, start, end, _options.MinimumRows, now, logs.Skipped);

        var jsonName = await ReportBlobs.WriteAsync(
            _store, _options.ReportContainer, $"{baseline.Model}/{baseline.Version}", now, DriftReportHtml.Render(report), DriftReportJson.ToUtf8Bytes(report), cancellationToken).ConfigureAwait(false);
        var htmlName = jsonName[..^".json".Length] + ".html";

        EmitTelemetry(report, jsonName);
        var alerted = report.Status == DriftStatus.Drift
            || (_options.RetrainOnAnyFeatureDrift && report.Status != DriftStatus.InsufficientData && report.TopDriftedFeatures.Count > 0);
        var retrain = alerted;
        if (retrain)
        {
            try
            {
                await _notifier.NotifyAsync(
                    new RetrainRequest
                    {
                        Model = report.Model,
                        Version = report.Version,
                        Status = report.Status,
                        DriftedShare = report.DatasetDrift?.DriftedShare ?? 0,
                        TopDriftedFeatures = report.TopDriftedFeatures,
                        Report = $"{_options.ReportContainer}/{jsonName}",
                        ReportHtml = $"{_options.ReportContainer}/{htmlName}",
                        Created = report.Created,
                    },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRetrainFailed(_logger, ex, report.Model, report.Version);
                retrain = false;
            }
        }

        return new DriftCheckResult(report, jsonName, htmlName, alerted, retrain);
    }

    private void EmitTelemetry(DriftReport report, string jsonName)
    {
        var topFeatures = string.Join(",", report.TopDriftedFeatures);
        LogReport(_logger, report.Model, report.Version, report.Status, report.Rows, report.DatasetDrift?.DriftedShare ?? 0, topFeatures, jsonName);
        var modelTags = new TagList { { "model", report.Model }, { "version", report.Version } };
        if (report.DatasetDrift is { } dataset)
        {
            s_driftedShare.Record(dataset.DriftedShare, modelTags);
        }

        foreach (var feature in report.Features)
        {
            s_featureScore.Record(feature.DriftScore, new TagList { { "model", report.Model }, { "version", report.Version }, { "feature", feature.Drift.Name }, { "drifted", feature.Drift.Drifted } });
        }
    }

    [LoggerMessage(EventId = 7001, EventName = "DriftReport", Level = LogLevel.Information, Message = "Drift report {Model} v{Version}: {Status}, {Rows} records, drifted share {DriftedShare}, top features [{TopFeatures}] -> {Report}")]
    private static partial void LogReport(ILogger logger, string model, string version, string status, long rows, double driftedShare, string topFeatures, string report);

    [LoggerMessage(EventId = 7002, EventName = "RetrainRequestFailed", Level = LogLevel.Error, Message = "Could not send the retraining request for {Model} v{Version}")]
    private static partial void LogRetrainFailed(ILogger logger, Exception exception, string model, string version);
}
