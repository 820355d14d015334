using Azure.Storage.Blobs;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Shipyard.Batch;

namespace Shipyard.Functions.Batch;

/// <summary>
/// <c>BatchScore</c>: a CSV created under <c>batch-in/{model}/</c> (Event Grid source: what Flex Consumption needs) is
/// scored by <see cref="BlobBatchProcessor"/>. The trigger binds a <see cref="BlobClient"/>, never the content: the
/// processor streams the blob from storage, so memory stays flat whatever the file size. A bad file answers with its
/// failed report (the invocation succeeds: retrying would not help); a transient fault fails it so the host retries.
/// </summary>
public sealed partial class BatchScoreFunction(BlobBatchProcessor processor, ILogger<BatchScoreFunction> logger)
{
    /// <summary>The function name (the Event Grid subscription's webhook names it: <c>functionName=Host.Functions.BatchScore</c>).</summary>
    public const string Name = "BatchScore";

    /// <summary>Scores one input blob.</summary>
    [Function(Name)]
    public async Task RunAsync(
        [BlobTrigger(BlobBatchProcessor.InputContainer + "/{model}/{file}", Source = BlobTriggerSource.EventGrid)] BlobClient blob,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        var outcome = await processor.ProcessAsync(blob.Name, cancellationToken).ConfigureAwait(false);
        LogOutcome(blob.Name, outcome.Kind, outcome.Message);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "BatchScore batch-in/{Blob}: {Kind}: {Message}")]
    private partial void LogOutcome(string blob, BatchOutcomeKind kind, string message);
}
