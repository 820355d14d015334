namespace Shipyard.Batch.Internals;

/// <summary>
/// The job cannot succeed and retrying will not help (empty input, header only, missing feature columns, the model
/// rejecting the data): it ends as failed, the message is the report's reason.
/// </summary>
internal sealed class BatchFailedException : Exception
{
    public BatchFailedException()
    {
    }

    public BatchFailedException(string message)
        : base(message)
    {
    }

    public BatchFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
