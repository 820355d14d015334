namespace Shipyard.Streaming;

/// <summary>Another delivery with the same message id is being scored right now: this one fails and is retried later
/// (by then the other is done, and this one is skipped as a duplicate).</summary>
public sealed class StreamMessageBusyException : Exception
{
    /// <summary>Creates the exception for message <paramref name="id"/>.</summary>
    public StreamMessageBusyException(string id)
        : base($"Message id '{id}' is being scored by another delivery; this delivery will be retried.")
    {
        Id = id;
    }

    /// <summary>Standard constructor.</summary>
    public StreamMessageBusyException()
        : this("?")
    {
    }

    /// <summary>The message id.</summary>
    public string Id { get; }
}
