using System.Text.Json;
using Shipyard.Batch;
using Shipyard.Functions.CustomHandler;

namespace Shipyard.Functions.Batch;

/// <summary>
/// The <c>BatchScore</c> function (blob trigger on <c>batch-in/{name}</c>, Event Grid source for Flex Consumption).
/// The host's payload carries the blob content in <c>Data</c>; it is ignored on purpose (it would be the whole file in
/// memory): the handler reads the blob name from <c>Metadata</c> and streams the blob from storage.
/// A bad input still answers 200 (its failed report is the result: retrying would not help); only a transient
/// failure (storage fault, registry still loading, cancellation) answers 500 so the host retries.
/// </summary>
public static class BatchScoreFunction
{
    /// <summary>The function name (folder <c>functions/BatchScore</c>, route <c>POST /BatchScore</c>).</summary>
    public const string Name = "BatchScore";

    /// <summary>Maps <c>POST /BatchScore</c> through the host's invocation helper.</summary>
    public static RouteHandlerBuilder MapBatchScore(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapInvocation(Name, RunAsync);

    /// <summary>Handles one invocation.</summary>
    public static async Task<InvocationResponse?> RunAsync(InvocationRequest request, InvocationContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var blobName = GetBlobName(request);
        if (blobName is null)
        {
            context.Log($"{Name}: the invocation has no blob name (Metadata.BlobTrigger or Metadata.name); nothing to do.");
            return null;
        }

        var processor = context.Services.GetRequiredService<BlobBatchProcessor>();
        var outcome = await processor.ProcessAsync(blobName, context.CancellationToken).ConfigureAwait(false);
        context.Log($"{Name} {BlobBatchProcessor.InputContainer}/{blobName}: {outcome.Kind}: {outcome.Message}");
        return null;
    }

    /// <summary>
    /// The blob's name inside <c>batch-in</c>, from the trigger metadata: <c>BlobTrigger</c> (the full path
    /// <c>batch-in/model/file.csv</c>) or the <c>{name}</c> binding expression. Values may arrive as JSON strings, as
    /// JSON-encoded strings inside strings (the host's custom-handler encoding), or in different casing.
    /// </summary>
    public static string? GetBlobName(InvocationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = AsString(request.GetMetadata("BlobTrigger"));
        if (path is not null)
        {
            const string prefix = BlobBatchProcessor.InputContainer + "/";
            path = path.TrimStart('/');
            return path.StartsWith(prefix, StringComparison.Ordinal) ? path[prefix.Length..] : path;
        }

        return AsString(request.GetMetadata("name"));
    }

    private static string? AsString(JsonElement? value)
    {
        if (value is not { ValueKind: JsonValueKind.String } element)
        {
            return null;
        }

        var text = element.GetString();
        if (text is { Length: >= 2 } && text[0] == '"' && text[^1] == '"')
        {
            try
            {
                text = JsonSerializer.Deserialize<string>(text);
            }
            catch (JsonException)
            {
                // Not JSON after all: keep the text as it came.
            }
        }

        return string.IsNullOrWhiteSpace(text) ? null : text;
    }
}
