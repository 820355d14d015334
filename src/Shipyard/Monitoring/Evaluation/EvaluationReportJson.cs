using System.Text.Json;
using System.Text.Json.Serialization;

namespace Shipyard.Monitoring.Evaluation;

/// <summary>The evaluation document as the API and the CLI write it (camelCase, indented; docs/evaluation.md).</summary>
public static class EvaluationReportJson
{
    /// <summary>The report's JSON bytes.</summary>
    public static byte[] Write(EvaluationReport report) => JsonSerializer.SerializeToUtf8Bytes(report, EvaluationJsonContext.Default.EvaluationReport);

    /// <summary>Reads a report back (tests, tools).</summary>
    public static EvaluationReport? Read(ReadOnlySpan<byte> json) => JsonSerializer.Deserialize(json, EvaluationJsonContext.Default.EvaluationReport);
}

/// <summary>Source-generated JSON for the evaluation report.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(EvaluationReport))]
internal sealed partial class EvaluationJsonContext : JsonSerializerContext;
