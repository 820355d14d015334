using System.Text.Json;
using Shipyard.Scoring;
using Shipyard.Storage;

namespace Shipyard.Streaming.Internals;

/// <summary>Parses and checks a request message; every problem is named with its JSON path.</summary>
internal static class StreamMessageParser
{
    /// <summary>Maximum id length (it is echoed and hashed into a blob name; a longer one is a caller bug).</summary>
    public const int MaxIdLength = 256;

    /// <summary>The message, or null with <paramref name="errors"/> filled. <paramref name="id"/> is the id when one could be read (for the error result).</summary>
    public static StreamMessage? TryParse(JsonDocument? document, out string? id, out List<InputError> errors)
    {
        id = null;
        errors = [];
        if (document is null)
        {
            errors.Add(new InputError("$", "the message is not valid JSON"));
            return null;
        }

        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new InputError("$", $"expected a JSON object, got {UserText.Describe(root.ValueKind)}"));
            return null;
        }

        id = ReadString(root, "id", required: true, errors);
        if (id is not null && (id.Length == 0 || id.Length > MaxIdLength))
        {
            errors.Add(new InputError("id", $"must be 1 to {MaxIdLength} characters"));
            id = id.Length == 0 ? null : id[..Math.Min(id.Length, MaxIdLength)];
        }

        var model = ReadString(root, "model", required: true, errors);
        var version = ReadString(root, "version", required: false, errors);
        var replyTo = ReadString(root, "replyTo", required: false, errors);
        if (replyTo is not null && BlobNames.GetContainerError(replyTo) is { } replyError)
        {
            // Queue names follow the container rules (3–63 of a-z0-9-, no "--", letter or digit at both ends).
            errors.Add(new InputError("replyTo", $"'{replyTo}' is not a valid queue name: {replyError}"));
        }
        else if (replyTo is StreamQueues.RequestQueue or StreamQueues.PoisonQueue)
        {
            // Answering on the request queue would feed results back in as requests.
            errors.Add(new InputError("replyTo", $"'{replyTo}' is a request queue; name a result queue such as '{StreamQueues.ResultQueue}'"));
        }

        JsonElement instances = default;
        if (!root.TryGetProperty("instances", out instances))
        {
            errors.Add(new InputError("instances", "required property is missing"));
        }
        else if (instances.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new InputError("instances", $"expected an array, got {UserText.Describe(instances.ValueKind)}"));
        }

        return errors.Count == 0 ? new StreamMessage(id!, model!, version, instances.Clone(), replyTo) : null;
    }

    private static string? ReadString(JsonElement root, string name, bool required, List<InputError> errors)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                errors.Add(new InputError(name, "required property is missing"));
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add(new InputError(name, $"expected a string, got {UserText.Describe(value.ValueKind)}"));
            return null;
        }

        return value.GetString();
    }
}
