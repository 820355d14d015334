namespace Shipyard.Storage;

/// <summary>One page of a listing.</summary>
/// <param name="Blobs">Blobs in ordinal name order.</param>
/// <param name="NextMarker">Pass to the next <see cref="IBlobStore.ListPageAsync"/> call; null when this was the last page.</param>
public sealed record BlobPage(IReadOnlyList<BlobProperties> Blobs, string? NextMarker);
