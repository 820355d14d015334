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
        return New(ModelSeed(model), Milliseconds(time));
    }

    /// <summary>New ids for <paramref name="count"/> predictions made together (the model's part of the check hashed once).</summary>
    public static string[] NewBatch(string model, DateTimeOffset time, int count)
    {
        ArgumentNullException.ThrowIfNull(model);
        var seed = ModelSeed(model);
        var milliseconds = Milliseconds(time);
        var ids = new string[count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = New(seed, milliseconds);
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
        if (check != Check(ModelSeed(model), span[..(TimeDigits + RandomDigits)]) || milliseconds > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            return false;
        }

        time = DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
        return true;
    }

    private static string New(uint seed, ulong milliseconds)
    {
        var random = (ulong)Random.Shared.NextInt64(long.MinValue, long.MaxValue);
        return string.Create(Length, (seed, milliseconds, random), static (span, s) =>
        {
            Hex(span[..TimeDigits], s.milliseconds);
            Hex(span.Slice(TimeDigits, RandomDigits), s.random);
            Hex(span[(TimeDigits + RandomDigits)..], Check(s.seed, span[..(TimeDigits + RandomDigits)]));
        });
    }

    private static ulong Milliseconds(DateTimeOffset time) => (ulong)Math.Max(0, time.ToUnixTimeMilliseconds());

    /// <summary>FNV-1a over the model name and a '/': the start of every check of the model's ids.</summary>
    private static uint ModelSeed(string model)
    {
        var hash = 2166136261u;
        foreach (var c in model)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (hash ^ '/') * 16777619u;
    }

    /// <summary>16 bits of FNV-1a over the model name (<paramref name="hash"/>, from <see cref="ModelSeed"/>) and the id's first 28 digits.</summary>
    private static ulong Check(uint hash, ReadOnlySpan<char> digits)
    {
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
