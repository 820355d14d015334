namespace Shipyard.Batch;

/// <summary>What <see cref="BlobBatchProcessor.ProcessAsync"/> did with a blob.</summary>
public enum BatchOutcomeKind
{
    /// <summary>This call ran the job and wrote the report (whatever its status).</summary>
    Completed,

    /// <summary>This input version (ETag) was already scored: nothing was done (idempotency).</summary>
    AlreadyDone,

    /// <summary>Another worker holds a live claim on this input version: nothing was done.</summary>
    ClaimedElsewhere,

    /// <summary>The input changed while it was being scored; the new version is scored on its own trigger.</summary>
    Superseded,

    /// <summary>Not a batch input (name not <c>{model}/{file}</c>, or the blob is gone): nothing was done.</summary>
    Ignored,
}
