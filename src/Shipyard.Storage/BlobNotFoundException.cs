namespace Shipyard.Storage;

/// <summary>The container, or the blob in it, does not exist.</summary>
public sealed class BlobNotFoundException : Exception
{
    /// <summary>Creates the exception for a missing blob (or a missing container when <paramref name="name"/> is null).</summary>
    public BlobNotFoundException(string container, string? name, Exception? innerException = null)
        : base(name is null ? $"Container '{container}' does not exist; create it first with CreateContainerIfNotExistsAsync." : $"Blob '{name}' does not exist in container '{container}'.", innerException)
    {
        Container = container;
        Name = name;
    }

    /// <summary>The container.</summary>
    public string Container { get; }

    /// <summary>The blob, or null when the container itself is missing.</summary>
    public string? Name { get; }

    /// <summary>The service's error code: ContainerNotFound or BlobNotFound.</summary>
    public string ErrorCode => Name is null ? "ContainerNotFound" : "BlobNotFound";
}
