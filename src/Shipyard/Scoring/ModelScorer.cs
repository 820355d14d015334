using Shipyard.Models;
using Shipyard.Scoring.Internals;

namespace Shipyard.Scoring;

/// <summary>
/// Runs a validated <see cref="FeatureBatch"/> through a leased model version (in runs of at most <c>runtime.maxBatch</c>
/// rows, the scorer's rule) and returns one prediction per row. The packing, running and output mapping are the version's
/// <see cref="OnnxScorer"/>, the same code batch scoring uses. Synchronous and thread-safe; used by
/// <see cref="PredictionService"/> (REST, KServe, streaming).
/// </summary>
public static class ModelScorer
{
    /// <summary>Scores every row of <paramref name="batch"/> with the leased version.</summary>
    /// <exception cref="ArgumentException">The batch was built for a different manifest.</exception>
    /// <exception cref="InvalidOperationException">ONNX Runtime failed (a model/manifest mismatch the load checks did not catch).</exception>
    public static IReadOnlyList<Prediction> Score(ModelLease lease, FeatureBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(batch);
        if (!ReferenceEquals(batch.Manifest, lease.Manifest) && !SameFeatures(batch.Manifest, lease.Manifest))
        {
            throw new ArgumentException($"The batch was built for {batch.Manifest.Name} v{batch.Manifest.Version}, not the leased {lease.Model} v{lease.Version}.", nameof(batch));
        }

        return Run(lease.Scorer, batch, cancellationToken).ToPredictions(lease.Manifest);
    }

    internal static bool SameFeatures(ModelManifest a, ModelManifest b) =>
        a.Features.Count == b.Features.Count && a.Features.Zip(b.Features).All(p => p.First.Name == p.Second.Name && p.First.Type == p.Second.Type);

    internal static RawScores Run(OnnxScorer scorer, FeatureBatch batch, CancellationToken cancellationToken)
    {
        var manifest = scorer.Manifest;
        var target = ScoreTarget.ForRows(batch.Count, manifest.Labels.Count, manifest.IsClassifier);
        var input = new FeatureBatchInput(batch, ManifestPlan.For(manifest));
        scorer.Score(ref input, target, cancellationToken);
        return RawScores.From(manifest, batch.Count, target, scorer.HasProbabilities);
    }
}
