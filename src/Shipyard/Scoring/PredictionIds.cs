using System.Globalization;

namespace Shipyard.Scoring;

/// <summary>
/// Prediction ids: 32 lowercase hex digits, <c>{time:12}{random:16}{check:4}</c>. The time is the prediction's Unix time
/// in milliseconds, so an outcome's id says when its prediction was made (and whether it has expired) without a
/// look-up; the random part makes ids unique (64 bits); the check digits bind the id to its model, so an id sent to
/// another model's feedback route is recognised as unknown. Ids are not secrets: the routes that take them need a key.
/// </summary>
public static class PredictionIds
{
    /// <summary>Length of every id.</summary>
    public const int Length = 32;

    private const int TimeDigits = 12;
    private const int RandomDigits = 16;

    /// <summary>A new id for a prediction of <paramref name="model"/> made at <paramref name="time"/>.</summary>
    public static string New(string model, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(model);
        var milliseconds = (ulong)Math.Max(0, time.ToUnixTimeMilliseconds());
        var random = (ulong)Random.Shared.NextInt64(long.MinValue, long.MaxValue);
        return string.Create(Length, (model, milliseconds, random), static (span, s) =>
        {
            Hex(span[..TimeDigits], s.milliseconds);
            Hex(span.Slice(TimeDigits, RandomDigits), s.random);
            Hex(span[(TimeDigits + RandomDigits)..], Check(s.model, span[..(TimeDigits + RandomDigits)]));
        });
    }

    /// <summary>New ids for <paramref name="count"/> predictions made together.</summary>
    public static string[] NewBatch(string model, DateTimeOffset time, int count)
    {
        var ids = new string[count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = New(model, time);
        }

        return ids;
    }

    /// <summary>When the prediction named by <paramref name="id"/> was made, if the id is one of <paramref name="model"/>'s.</summary>
    /// <returns>False for anything that is not an id this model's predictions were given.</returns>
    public static bool TryReadTime(string model, string? id, out DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(model);
        time = default;
        if (id is null || id.Length != Length || !id.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f'))
        {
            return false;
        }

        var span = id.AsSpan();
        var check = ulong.Parse(span[(TimeDigits + RandomDigits)..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        var milliseconds = long.Parse(span[..TimeDigits], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        if (check != Check(model, span[..(TimeDigits + RandomDigits)]) || milliseconds > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            return false;
        }

        time = DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
        return true;
    }

    /// <summary>16 bits of FNV-1a over the model name and the id's first 28 digits.</summary>
    private static ulong Check(string model, ReadOnlySpan<char> digits)
    {
        var hash = 2166136261u;
        foreach (var c in model)
        {
            hash = (hash ^ c) * 16777619u;
        }

        hash = (hash ^ '/') * 16777619u;
        foreach (var c in digits)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (hash ^ (hash >> 16)) & 0xFFFF;
    }

    private static void Hex(Span<char> target, ulong value)
    {
        for (var i = target.Length - 1; i >= 0; i--)
        {
            target[i] = "0123456789abcdef"[(int)(value & 0xF)];
            value >>= 4;
        }
    }
}
