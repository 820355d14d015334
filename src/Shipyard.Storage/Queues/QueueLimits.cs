using System.Text;
using Shipyard.Storage.Internals;

namespace Shipyard.Storage;

/// <summary>Azure Storage queue limits, enforced by both implementations before any I/O.</summary>
public static class QueueLimits
{
    /// <summary>The service's limit on a stored message (64 KiB), which holds the base64 form.</summary>
    public const int MaxStoredBytes = 64 * 1024;

    /// <summary>The largest UTF-8 text that fits once base64-encoded: 48 KiB.</summary>
    public const int MaxTextBytes = MaxStoredBytes / 4 * 3;

    /// <summary>Messages per receive or peek.</summary>
    public const int MaxMessagesPerCall = 32;

    /// <summary>Longest visibility timeout and time to live.</summary>
    public static readonly TimeSpan MaxTime = TimeSpan.FromDays(7);

    internal static void ValidateText(string queue, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = Encoding.UTF8.GetByteCount(text);
        if (bytes > MaxTextBytes)
        {
            throw new ArgumentException($"Message for queue '{queue}' is {bytes} bytes of UTF-8; the limit is {MaxTextBytes} (64 KiB once base64-encoded). Store large payloads in a blob and send its name.", nameof(text));
        }
    }

    internal static void ValidateCount(int maxMessages)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxMessages, MaxMessagesPerCall);
    }

    internal static void ValidateTime(TimeSpan value, TimeSpan min, string parameterName)
    {
        if (value < min || value > MaxTime)
        {
            throw new ArgumentOutOfRangeException(parameterName, value, $"Must be between {min} and {MaxTime} (the queue service's range).");
        }
    }

    internal static void ValidateId(string messageId, string popReceipt)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        ArgumentException.ThrowIfNullOrEmpty(popReceipt);
    }

    internal static string Encode(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    /// <summary>Decodes base64 text; a message someone put without encoding is returned as-is rather than lost.</summary>
    internal static string Decode(string stored)
    {
        var buffer = new byte[stored.Length];
        return Convert.TryFromBase64String(stored, buffer, out var n) ? Encoding.UTF8.GetString(buffer, 0, n) : stored;
    }
}
