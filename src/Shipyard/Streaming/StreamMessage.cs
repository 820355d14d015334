using System.Text.Json;

namespace Shipyard.Streaming;

/// <summary>A parsed request message <c>{"id","model","version"?,"instances":[…],"replyTo"?}</c>.</summary>
/// <param name="Id">The caller's id, echoed in the result and used for idempotency.</param>
/// <param name="Model">The model name.</param>
/// <param name="Version">An explicit version, or null for routing (production/canary, with the id as sticky key).</param>
/// <param name="Instances">The instances array, as for the predict route.</param>
/// <param name="ReplyTo">The queue to answer on, or null for <see cref="StreamQueues.ResultQueue"/>.</param>
public sealed record StreamMessage(string Id, string Model, string? Version, JsonElement Instances, string? ReplyTo);
