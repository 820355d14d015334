using Microsoft.Extensions.Options;
using Shipyard.Models;
using Shipyard.Scoring;
using Shipyard.Storage;

namespace Shipyard.Monitoring.Evaluation;

/// <summary>
/// Outcome feedback and evaluation of a model's versions: records outcomes (<see cref="FeedbackStore"/>), and builds the
/// <see cref="EvaluationReport"/> of a window by joining the prediction log (every version the registry knows, every
/// arm) with the outcomes received since the window began. The same service serves the API, the CLI and the scheduled
/// check, so all three write the same document.
/// </summary>
public sealed class EvaluationService
{
    private readonly ModelRegistry _registry;
    private readonly IBlobStore _store;
    private readonly FeedbackStore _feedback;
    private readonly EvaluationOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates the service over the registry (versions, manifests, routing) and the store (logs, outcomes).</summary>
    public EvaluationService(ModelRegistry registry, IBlobStore store, IOptions<ShipyardOptions> options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        _registry = registry;
        _store = store;
        _time = time ?? TimeProvider.System;
        _feedback = new FeedbackStore(store, _time);
        _options = options.Value.Evaluation;
    }

    /// <summary>The settings in force.</summary>
    public EvaluationOptions Options => _options;

    /// <summary>Records outcomes of the predictions of <paramref name="manifest"/>'s model (<see cref="ManifestOf(string)"/>), validated against it.</summary>
    /// <exception cref="InvalidInputException">An actual is not a label (classifiers) or finite number (regressors); nothing stored (400).</exception>
    public Task<FeedbackReceipt> RecordAsync(ModelManifest manifest, IReadOnlyList<OutcomeSubmission> outcomes, CancellationToken cancellationToken = default) =>
        _feedback.RecordAsync(manifest, outcomes, _options.OutcomeMaxAge, cancellationToken);

    /// <summary>The manifest outcomes are validated against: production's, else the newest version's.</summary>
    /// <exception cref="ModelNotFoundException">Unknown model.</exception>
    /// <exception cref="ModelNotReadyException">No version has a manifest.</exception>
    public ModelManifest ManifestOf(string model) => ManifestOf(_registry.Find(model) ?? throw new ModelNotFoundException(model));

    private static ModelManifest ManifestOf(ModelInfo info) =>
        (info.Routing.Production is { } production ? info.Versions.FirstOrDefault(v => v.Version == production)?.Manifest : null)
            ?? info.Versions.Where(v => v.Manifest is not null).OrderByDescending(v => v.Version.Length).ThenByDescending(v => v.Version, StringComparer.Ordinal).FirstOrDefault()?.Manifest
            ?? throw new ModelNotReadyException(info.Name, null, "no version has a readable manifest");

    /// <summary>Evaluates the predictions of <paramref name="model"/> made in the last <paramref name="window"/> (default
    /// <see cref="EvaluationOptions.Window"/>).</summary>
    /// <exception cref="ModelNotFoundException">Unknown model (404).</exception>
    /// <exception cref="ModelNotReadyException">No version has a manifest yet (503).</exception>
    /// <param name="model">The model.</param>
    /// <param name="window">How far back from <paramref name="until"/> predictions are evaluated.</param>
    /// <param name="until">The end of the window (default now): a past window can be evaluated again.</param>
    /// <param name="cancellationToken">Cancels the evaluation.</param>
    public async Task<EvaluationReport> EvaluateAsync(string model, TimeSpan? window = null, DateTimeOffset? until = null, CancellationToken cancellationToken = default)
    {
        var info = _registry.Find(model) ?? throw new ModelNotFoundException(model);
        var manifest = ManifestOf(info);
        var to = until ?? _time.GetUtcNow();
        var from = to - (window ?? _options.Window);
        var (logged, _) = await LoggedPredictions.ReadAsync(_store, model, info.Versions.Select(v => v.Version), from, to, cancellationToken).ConfigureAwait(false);
        var outcomes = await _feedback.ReadAsync(model, from, until is null ? to : DateTimeOffset.MaxValue, cancellationToken).ConfigureAwait(false);

        var rows = new List<ScoredOutcome>(logged.Count);
        var matched = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in logged)
        {
            RecordedOutcome? outcome = null;
            if (p.PredictionId is { } id && outcomes.TryGetValue(id, out outcome))
            {
                matched.Add(id);
            }

            rows.Add(new ScoredOutcome(p.Version, p.Arm, p.Label, p.Probabilities, p.Value, outcome?.Label, outcome?.Value) { Time = p.Time });
        }

        // Outcomes of batch rows carry their own prediction; the rest that matched nothing are reported, when their
        // prediction was made in the window (an outcome received now may be for a prediction made before it).
        long unmatched = 0;
        foreach (var outcome in outcomes.Values)
        {
            if (outcome.Prediction is { } prediction && outcome.Version is { } version)
            {
                var (label, probabilities, value) = prediction switch
                {
                    ClassPrediction c => (c.Label, c.Probabilities.Count > 0 ? c.Probabilities : null, (double?)null),
                    RegressionPrediction r => (null, null, r.Value),
                    _ => (null, (IReadOnlyDictionary<string, double>?)null, (double?)null),
                };
                rows.Add(new ScoredOutcome(version, "batch", label, probabilities, value, outcome.Label, outcome.Value) { Time = outcome.Received });
            }
            else if (!matched.Contains(outcome.PredictionId) && PredictionIds.TryReadTime(model, outcome.PredictionId, out var made) && made >= from && made < to)
            {
                unmatched++;
            }
        }

        var routing = info.Routing;
        return OutcomeEvaluator.Evaluate(manifest, new EvaluationWindow(from, to), rows, routing.Production, routing.Canary?.Version, _options.MinimumOutcomes, unmatched);
    }
}
