using System.Text.Json.Serialization;

namespace Shipyard.Functions.CustomHandler;

/// <summary>
/// The answer to an <see cref="InvocationRequest"/>: <c>Outputs</c> by output binding name, <c>Logs</c> shown in the
/// invocation log (Application Insights in Azure), <c>ReturnValue</c> for a <c>$return</c> binding.
/// https://learn.microsoft.com/azure/azure-functions/functions-custom-handlers#response-payload
/// </summary>
/// <param name="Outputs">Output binding values by binding name (e.g. <c>res</c> for an HTTP output).</param>
/// <param name="Logs">Messages for the invocation log.</param>
/// <param name="ReturnValue">The <c>$return</c> binding value, or null.</param>
public sealed record InvocationResponse(
    [property: JsonPropertyName("Outputs")] IReadOnlyDictionary<string, object?> Outputs,
    [property: JsonPropertyName("Logs")] IReadOnlyList<string> Logs,
    [property: JsonPropertyName("ReturnValue")] object? ReturnValue)
{
    /// <summary>An answer with no outputs and the given log lines.</summary>
    public static InvocationResponse FromLogs(params IReadOnlyList<string> logs) => new(new Dictionary<string, object?>(), logs, null);
}
