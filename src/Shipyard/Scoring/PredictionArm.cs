namespace Shipyard.Scoring;

/// <summary>
/// Which arm of the model's routing made a prediction; written to the prediction log as <c>production</c>,
/// <c>canary</c>, <c>shadow</c> or <c>direct</c>, and what evaluation groups versions by.
/// </summary>
public enum PredictionArm
{
    /// <summary>The production version, chosen by routing.</summary>
    Production,

    /// <summary>The canary version, chosen by routing for its share of traffic.</summary>
    Canary,

    /// <summary>The shadow version re-scoring routed traffic; its answers are only logged.</summary>
    Shadow,

    /// <summary>A version the caller named (<c>/versions/{version}/predict</c>).</summary>
    Direct,
}
