namespace Shipyard.Storage;

/// <summary>
/// A conditional operation did not run because its precondition failed: the blob exists for a create-only write,
/// or its ETag is not the expected one (someone else wrote it first). Re-read and retry, or give up.
/// </summary>
public sealed class BlobConditionFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BlobConditionFailedException(string container, string name, string condition, Exception? innerException = null)
        : base($"Condition '{condition}' failed for blob '{name}' in container '{container}': it was created or changed by someone else.", innerException)
    {
        Container = container;
        Name = name;
        Condition = condition;
    }

    /// <summary>The container.</summary>
    public string Container { get; }

    /// <summary>The blob name.</summary>
    public string Name { get; }

    /// <summary>The condition that failed, e.g. <c>If-None-Match: *</c>.</summary>
    public string Condition { get; }
}
