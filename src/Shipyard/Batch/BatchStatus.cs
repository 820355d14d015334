namespace Shipyard.Batch;

/// <summary>How a batch job ended (written lowercase in report.json).</summary>
public enum BatchStatus
{
    /// <summary>Scored; the scored file is published (rejected rows are in the errors file).</summary>
    Succeeded,

    /// <summary>The input could not be scored at all (not CSV, missing feature columns, unknown model, …); see the reason.</summary>
    Failed,

    /// <summary>Too many rows were invalid (above <see cref="BatchOptions.MaxErrorRate"/>); no scored file is published.</summary>
    Rejected,
}
