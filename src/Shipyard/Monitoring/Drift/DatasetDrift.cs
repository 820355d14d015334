namespace Shipyard.Monitoring.Drift;

/// <summary>Dataset-level verdict: the share of drifted features and whether it reaches <see cref="DriftRule.DatasetShare"/>.</summary>
public readonly record struct DatasetDrift(double DriftedShare, bool Drifted)
{
    /// <summary>Combines feature verdicts (no features: share 0, not drifted).</summary>
    public static DatasetDrift FromFeatures(IReadOnlyCollection<FeatureDrift> features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.Count == 0)
        {
            return new DatasetDrift(0.0, false);
        }

        var share = (double)features.Count(f => f.Drifted) / features.Count;
        return new DatasetDrift(share, share >= DriftRule.DatasetShare);
    }
}
