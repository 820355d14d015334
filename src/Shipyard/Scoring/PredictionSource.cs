using System.Text.Json.Serialization;
using Shipyard.Models.Internals;

namespace Shipyard.Scoring;

/// <summary>Where a prediction request came from; written to the prediction log as <c>http</c>, <c>batch</c>, <c>stream</c>, <c>shadow</c>.</summary>
[JsonConverter(typeof(KebabCaseEnumConverter<PredictionSource>))]
public enum PredictionSource
{
    /// <summary>The REST or KServe HTTP API.</summary>
    Http,

    /// <summary>Batch CSV scoring.</summary>
    Batch,

    /// <summary>Queue-triggered streaming scoring.</summary>
    Stream,

    /// <summary>A shadow version re-scoring production traffic (set by the service, never by callers).</summary>
    Shadow,
}
