using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Shipyard.Models;
using Shipyard.Models.Internals;
using Shipyard.Scoring.Internals;
using Shipyard.Telemetry;

namespace Shipyard.Scoring;

/// <summary>
/// Real-time scoring: validates instances against the manifest, routes to a version (explicit version, else
/// canary by sticky <c>X-Request-Key</c> hash or at random, else production), runs the ONNX session (optionally
/// micro-batched with concurrent requests for the same version), maps outputs, logs a sample of predictions, and
/// re-scores routed traffic on the shadow version in the background. Thread-safe singleton.
/// </summary>
public sealed partial class PredictionService
{
    private readonly ModelRegistry _registry;
    private readonly PredictionLogWriter _log;
    private readonly ShipyardOptions _options;
    private readonly IShipyardTelemetry _telemetry;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly int _maxShadowRuns;
    private readonly Func<LoadedVersion, MicroBatcher> _newBatcher; // one delegate, not a closure per request
    private readonly bool _tracked;
    private int _shadowRuns;
    private long _shadowDropped;

    /// <summary>Creates the service over the registry and the prediction log.</summary>
    public PredictionService(ModelRegistry registry, PredictionLogWriter log, IOptions<ShipyardOptions> options, IShipyardTelemetry? telemetry = null, ILogger<PredictionService>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(options);
        _registry = registry;
        _log = log;
        _options = options.Value;
        _telemetry = telemetry ?? NullShipyardTelemetry.Instance;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        // Shadow runs share the CPU with real traffic: at most a few at a time; beyond that they are skipped, never queued.
        _maxShadowRuns = Math.Max(2, Environment.ProcessorCount * 2);
        // Without telemetry (NullShipyardTelemetry), nothing is timed or described per request or per batch.
        _tracked = !ReferenceEquals(_telemetry, NullShipyardTelemetry.Instance);
        _newBatcher = loaded => new MicroBatcher(loaded, _options.MicroBatching, _tracked ? OnMicroBatch : null);
    }

    /// <summary>Shadow runs skipped because too many were already running.</summary>
    public long ShadowDropped => Interlocked.Read(ref _shadowDropped);

    /// <summary>Scores <see cref="PredictionRequest.Instances"/>.</summary>
    /// <returns>The predictions and the version that answered.</returns>
    /// <exception cref="ModelNotFoundException">Unknown model, or unknown explicit version (404).</exception>
    /// <exception cref="ModelNotReadyException">The routed version is not loaded or there is no production version (503).</exception>
    /// <exception cref="InvalidInputException">Invalid instances, every field named (400).</exception>
    public async Task<PredictionResponse> PredictAsync(PredictionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await _registry.WaitWhileLoadingAsync(request.Model, _options.InitialLoadWait, cancellationToken).ConfigureAwait(false);
        var (lease, arm, shadow) = Route(request.Model, request.Version, request.RequestKey);
        using (lease)
        {
            var batch = request.Instances.ToBatch(lease.Manifest, _options.Limits);
            var scores = await ScoreAsync(lease, batch, cancellationToken).ConfigureAwait(false);
            var ids = PredictionIds.NewBatch(lease.Model, _time.GetUtcNow(), batch.Count);
            var predictions = scores.ToPredictions(lease.Manifest, ids);
            AfterScoring(request.Source, arm, lease, batch, predictions, ids, shadow);
            return new PredictionResponse(lease.Model, lease.Version, predictions);
        }
    }

    /// <summary>KServe v2 inference. Inputs are one tensor per feature (name = feature, shape [N] or [N,1]) or the ONNX
    /// input itself (name = ONNX input name, shape [N,F], FP32). Outputs: <c>label</c> (BYTES [N]),
    /// <c>probabilities</c> (FP32 [N,C], classes in label order), <c>value</c> (FP32 [N,1]). Routed like <see cref="PredictAsync"/>
    /// when <paramref name="version"/> is null (sticky by <paramref name="requestKey"/>).</summary>
    /// <exception cref="ModelNotFoundException">Unknown model or version (404).</exception>
    /// <exception cref="ModelNotReadyException">Not loaded (503).</exception>
    /// <exception cref="InvalidInputException">Bad tensors, each error's path naming the input (400).</exception>
    /// <param name="model">The model name.</param>
    /// <param name="version">An explicit version, or null for routing.</param>
    /// <param name="request">The inference request.</param>
    /// <param name="requestKey">Makes the canary choice sticky for one caller (the <c>X-Request-Key</c> header or metadata).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<InferResponse> InferAsync(string model, string? version, InferRequest request, string? requestKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(request);
        await _registry.WaitWhileLoadingAsync(model, _options.InitialLoadWait, cancellationToken).ConfigureAwait(false);
        var (lease, arm, shadow) = Route(model, version, requestKey);
        using (lease)
        {
            var manifest = lease.Manifest;
            var outputs = KServeMapper.SelectOutputs(manifest, request.Outputs);
            var batch = KServeMapper.ToBatch(manifest, request.Inputs, _options.Limits);
            var scores = await ScoreAsync(lease, batch, cancellationToken).ConfigureAwait(false);
            var ids = PredictionIds.NewBatch(lease.Model, _time.GetUtcNow(), batch.Count);
            AfterScoring(PredictionSource.Http, arm, lease, batch, scores.ToPredictions(manifest, ids), ids, shadow);
            return new InferResponse
            {
                ModelName = lease.Model,
                ModelVersion = lease.Version,
                Id = request.Id,
                Parameters = new Dictionary<string, string>(StringComparer.Ordinal) { [InferResponse.PredictionIdsParameter] = string.Join(',', ids) },
                Outputs = KServeMapper.ToTensors(scores, outputs),
            };
        }
    }

    /// <summary>Picks and leases the version: explicit, else canary (sticky by key) or production. Returns the arm that
    /// answers and the shadow version to run, if any.</summary>
    private (ModelLease Lease, PredictionArm Arm, string? Shadow) Route(string model, string? version, string? requestKey)
    {
        if (version is not null)
        {
            return (_registry.Acquire(model, version), PredictionArm.Direct, null);
        }

        var routing = _registry.GetRouting(model);
        var chosen = TrafficRouter.Choose(routing, model, requestKey)
            ?? throw new ModelNotReadyException(model, null, "it has no production version; promote one");
        ModelLease lease;
        try
        {
            lease = _registry.Acquire(model, chosen);
        }
        catch (Exception ex) when (ex is ModelNotReadyException or ModelNotFoundException && chosen != routing.Production && routing.Production is not null)
        {
            // A canary that is not serving must not fail requests: they go to production.
            lease = _registry.Acquire(model, routing.Production);
        }

        var shadow = routing.Shadow is { } s && s != lease.Version ? s : null;
        return (lease, lease.Version == routing.Production ? PredictionArm.Production : PredictionArm.Canary, shadow);
    }

    private Task<RawScores> ScoreAsync(ModelLease lease, FeatureBatch batch, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var scoring = _options.MicroBatching.Enabled && lease.Loaded.GetOrAddScoringState(_newBatcher) is { } batcher && batch.Count < batcher.MaxRows
                ? batcher.ScoreAsync(batch, cancellationToken)
                : Task.FromResult(ModelScorer.Run(lease.Scorer, batch, cancellationToken));

            return _tracked ? Track(scoring, lease, batch.Count, started) : scoring;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _telemetry.TrackPrediction(lease.Model, lease.Version, batch.Count, Stopwatch.GetElapsedTime(started), false);
            throw;
        }
    }

    private async Task<RawScores> Track(Task<RawScores> scoring, ModelLease lease, int rows, long started)
    {
        try
        {
            var scores = await scoring.ConfigureAwait(false);
            _telemetry.TrackPrediction(lease.Model, lease.Version, rows, Stopwatch.GetElapsedTime(started), true);
            return scores;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _telemetry.TrackPrediction(lease.Model, lease.Version, rows, Stopwatch.GetElapsedTime(started), false);
            throw;
        }
    }

    private void OnMicroBatch(ModelManifest manifest, int requests, int rows) =>
        _telemetry.TrackMetric("MicroBatchRows", rows, new Dictionary<string, string>
        {
            ["model"] = manifest.Name,
            ["version"] = manifest.Version,
            ["requests"] = requests.ToString(CultureInfo.InvariantCulture),
        });

    private void AfterScoring(PredictionSource source, PredictionArm arm, ModelLease lease, FeatureBatch batch, IReadOnlyList<Prediction> predictions, string[] ids, string? shadow)
    {
        if (batch.OutOfRangeCount > 0)
        {
            _telemetry.TrackMetric("OutOfRangeValues", batch.OutOfRangeCount, new Dictionary<string, string> { ["model"] = lease.Model, ["version"] = lease.Version });
        }

        _log.TryLog(source, arm, batch, predictions);
        if (shadow is not null)
        {
            StartShadow(lease.Model, shadow, batch, ids);
        }
    }

    /// <summary>Runs the shadow version on the same rows after the response is computed; its predictions are only logged,
    /// under the ids of the answered predictions, so one outcome evaluates both versions.</summary>
    private void StartShadow(string model, string version, FeatureBatch batch, string[] ids)
    {
        if (Interlocked.Increment(ref _shadowRuns) > _maxShadowRuns)
        {
            Interlocked.Decrement(ref _shadowRuns);
            Interlocked.Increment(ref _shadowDropped);
            ScoringLog.ShadowSkipped(_logger, model, version, "too many shadow runs in flight");
            return;
        }

        _ = Task.Run(() =>
        {
            try
            {
                using var lease = _registry.Acquire(model, version);
                var shadowBatch = batch.Remap(lease.Manifest);
                if (shadowBatch is null)
                {
                    ScoringLog.ShadowSkipped(_logger, model, version, "its features are not a subset of the primary version's");
                    return;
                }

                var predictions = ModelScorer.Run(lease.Scorer, shadowBatch, CancellationToken.None).ToPredictions(lease.Manifest, ids);
                _log.TryLog(PredictionSource.Shadow, PredictionArm.Shadow, shadowBatch, predictions);
            }
            catch (Exception ex)
            {
                ScoringLog.ShadowFailed(_logger, ex, model, version);
            }
            finally
            {
                Interlocked.Decrement(ref _shadowRuns);
            }
        });
    }
}
