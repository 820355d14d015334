using System.Diagnostics.CodeAnalysis;

namespace Shipyard.Storage.Internals;

/// <summary>Throw helpers: one place for the wording of every storage error.</summary>
internal static class StorageThrow
{
    [DoesNotReturn]
    public static void ArgumentException_BadName(string kind, string? value, string rule, string? parameterName) =>
        throw new ArgumentException($"Invalid {kind} name '{value}': {rule}.", parameterName);

    [DoesNotReturn]
    public static void ArgumentOutOfRange_Offset(string container, string name, long offset, long length, string options = "options") =>
        throw new ArgumentOutOfRangeException(options, offset, $"Offset {offset} is at or past the end of blob '{name}' in container '{container}' ({length} bytes).");

    public static void ValidateUploadOptions(BlobUploadOptions options)
    {
        if (options.BlockSize is < 64 * 1024 or > 100 * 1024 * 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BlockSize, "BlockSize must be between 64 KiB and 100 MiB.");
        }

        if (options.MaxConcurrency is < 1 or > 16)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxConcurrency, "MaxConcurrency must be between 1 and 16.");
        }

        BlobNames.ValidateMetadata(options.Metadata);
    }
}
