namespace Shipyard.Monitoring.Baselines;

/// <summary>A feature to profile: its name and manifest type (<c>float</c>, <c>int</c> or <c>string</c>).</summary>
public sealed record ProfiledFeature(string Name, string Type)
{
    /// <summary>True for <c>string</c> features, which are profiled as categories.</summary>
    public bool IsCategorical => string.Equals(Type, "string", StringComparison.OrdinalIgnoreCase);
}
