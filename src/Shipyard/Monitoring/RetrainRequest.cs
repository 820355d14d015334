namespace Shipyard.Monitoring;

/// <summary>
/// The message sent when a model version's inputs drift: on queue <c>retrain-requests</c> and to the optional
/// webhook, as camelCase JSON.
/// </summary>
public sealed record RetrainRequest
{
    /// <summary>Model name.</summary>
    public required string Model { get; init; }

    /// <summary>Model version whose inputs drifted.</summary>
    public required string Version { get; init; }

    /// <summary>Report status (drift).</summary>
    public required string Status { get; init; }

    /// <summary>Share of drifted features.</summary>
    public required double DriftedShare { get; init; }

    /// <summary>Most drifted features first.</summary>
    public required IReadOnlyList<string> TopDriftedFeatures { get; init; }

    /// <summary>Blob name of the JSON report in the drift-reports container.</summary>
    public required string Report { get; init; }

    /// <summary>Blob name of the HTML report in the drift-reports container.</summary>
    public required string ReportHtml { get; init; }

    /// <summary>When the report was made.</summary>
    public required DateTimeOffset Created { get; init; }
}
