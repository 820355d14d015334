using System.Diagnostics.CodeAnalysis;
using Shipyard.Storage.Internals;

namespace Shipyard.Storage;

/// <summary>
/// Azure's naming rules for containers, queues, blobs and metadata, checked before any I/O.
/// See https://learn.microsoft.com/rest/api/storageservices/naming-and-referencing-containers--blobs--and-metadata.
/// </summary>
/// <remarks>
/// Blob names are held to a stricter rule than Azure's so that the file store maps them to paths safely:
/// no empty, <c>.</c> or <c>..</c> segments, no leading or trailing <c>/</c>, no backslash, no trailing dot.
/// </remarks>
public static class BlobNames
{
    /// <summary>Azure's maximum blob name length.</summary>
    public const int MaxBlobNameLength = 1024;

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="container"/> is a valid container name.</summary>
    public static void ValidateContainer(string container, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(container))] string? parameterName = null)
    {
        if (GetContainerError(container) is { } error)
        {
            StorageThrow.ArgumentException_BadName("container", container, error, parameterName);
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="queue"/> is a valid queue name (same rules as containers).</summary>
    public static void ValidateQueue(string queue, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(queue))] string? parameterName = null)
    {
        if (GetContainerError(queue) is { } error)
        {
            StorageThrow.ArgumentException_BadName("queue", queue, error, parameterName);
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="name"/> is a valid blob name.</summary>
    public static void ValidateBlob(string name, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(name))] string? parameterName = null)
    {
        if (GetBlobError(name) is { } error)
        {
            StorageThrow.ArgumentException_BadName("blob", name, error, parameterName);
        }
    }

    /// <summary>Why <paramref name="container"/> is not a valid container or queue name, or null when it is.</summary>
    public static string? GetContainerError(string? container)
    {
        if (string.IsNullOrEmpty(container))
        {
            return "it must not be empty";
        }

        if (container.Length is < 3 or > 63)
        {
            return $"it must be 3 to 63 characters long (it has {container.Length})";
        }

        foreach (var c in container)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            {
                return $"it may contain only lowercase letters, digits and '-' (found '{Printable(c)}')";
            }
        }

        if (container[0] == '-' || container[^1] == '-')
        {
            return "it must start and end with a letter or digit";
        }

        return container.Contains("--", StringComparison.Ordinal) ? "it must not contain consecutive dashes" : null;
    }

    /// <summary>Why <paramref name="name"/> is not a valid blob name, or null when it is.</summary>
    public static string? GetBlobError(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "it must not be empty";
        }

        if (name.Length > MaxBlobNameLength)
        {
            return $"it must be at most {MaxBlobNameLength} characters long (it has {name.Length})";
        }

        foreach (var c in name)
        {
            if (char.IsControl(c))
            {
                return $"it must not contain control characters (found {Printable(c)})";
            }

            if (c == '\\')
            {
                return "it must not contain '\\'; use '/' to separate segments";
            }
        }

        if (name[0] == '/')
        {
            return "it must not start with '/' (blob names are relative)";
        }

        if (name[^1] is '/' or '.')
        {
            return "it must not end with '/' or '.'";
        }

        foreach (var segment in name.Split('/'))
        {
            if (segment.Length == 0)
            {
                return "it must not contain empty segments ('//')";
            }

            if (segment is "." or "..")
            {
                return "it must not contain '.' or '..' segments";
            }
        }

        return null;
    }

    /// <summary>Why <paramref name="name"/> is not a valid metadata name (a C# identifier, ASCII), or null when it is.</summary>
    public static string? GetMetadataNameError(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "it must not be empty";
        }

        if (name[0] is >= '0' and <= '9')
        {
            return "it must not start with a digit";
        }

        foreach (var c in name)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_'))
            {
                return $"it may contain only ASCII letters, digits and '_' (found '{Printable(c)}')";
            }
        }

        return null;
    }

    internal static void ValidateMetadata(IReadOnlyDictionary<string, string>? metadata)
    {
        if (metadata is null)
        {
            return;
        }

        foreach (var (key, value) in metadata)
        {
            if (GetMetadataNameError(key) is { } error)
            {
                StorageThrow.ArgumentException_BadName("metadata", key, error, nameof(BlobUploadOptions.Metadata));
            }

            ArgumentNullException.ThrowIfNull(value, $"metadata '{key}'");
            foreach (var c in value)
            {
                if (c is < ' ' or > '~')
                {
                    StorageThrow.ArgumentException_BadName("metadata value of", key, $"values may contain only printable ASCII (found {Printable(c)})", nameof(BlobUploadOptions.Metadata));
                }
            }
        }
    }

    private static string Printable(char c) => char.IsControl(c) || char.IsWhiteSpace(c) ? $"U+{(int)c:X4}" : c.ToString();
}
