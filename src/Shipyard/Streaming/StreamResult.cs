namespace Shipyard.Streaming;

/// <summary>The result message for one request.</summary>
/// <param name="Id">The request's id, or null when the message had none (it could not be parsed).</param>
/// <param name="Queue">Where the result goes: the validated <c>replyTo</c>, or <see cref="StreamQueues.ResultQueue"/>.</param>
/// <param name="Text">The JSON result: <c>{"id","model","version","predictions"}</c> or <c>{"id","error":{…}}</c>.</param>
/// <param name="Kind">Predictions or an error.</param>
public sealed record StreamResult(string? Id, string Queue, string Text, StreamResultKind Kind)
{
    /// <summary>True when the result goes to <see cref="StreamQueues.ResultQueue"/> (the output binding under the host).</summary>
    public bool IsDefaultQueue => Queue == StreamQueues.ResultQueue;
}
