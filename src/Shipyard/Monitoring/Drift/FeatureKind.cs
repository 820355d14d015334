namespace Shipyard.Monitoring.Drift;

/// <summary>How a feature is compared: numeric (KS, Wasserstein, PSI, JS) or categorical (chi-square, PSI, JS).</summary>
public enum FeatureKind
{
    /// <summary>Numbers; statistics over their values.</summary>
    Numeric,

    /// <summary>Strings (or numbers declared categorical); statistics over category counts.</summary>
    Categorical,
}
