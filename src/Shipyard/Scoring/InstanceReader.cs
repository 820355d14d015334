using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Shipyard.Models;
using Shipyard.Scoring.Internals;

namespace Shipyard.Scoring;

/// <summary>
/// The fast path for a predict body: reads <c>{"instances":[{…},…]}</c> from its UTF-8 bytes straight into a
/// <see cref="FeatureBatch"/> in one pass, without building a <see cref="JsonDocument"/> first. It takes only the usual
/// case, where everything is valid and each instance lists its features in manifest order; it gives up (null) on
/// anything else, and the caller parses the body and runs <see cref="InstanceValidator"/>, which accepts what is valid
/// and names every problem. So the two never disagree on what is valid, and error messages have one source.
/// The body is scanned by hand (<see cref="Scanner"/>): JSON's grammar for exactly this shape, strings without escapes,
/// numbers by <see cref="FastDouble"/>'s exact fast path. On the breast-cancer predict route, parsing plus validating
/// took 13% of the server's CPU before this path, and <c>Utf8JsonReader</c> here 1.6 µs per body; see docs/benchmarks.md ("HTTP").
/// </summary>
public static class InstanceReader
{
    /// <summary>
    /// The batch <see cref="InstanceValidator.Validate"/> would build from the body's <c>instances</c>, or null when
    /// the body is anything but a single <c>instances</c> property holding 1 to <paramref name="maxInstances"/>
    /// (and <see cref="ScoringLimits.MaxInstances"/>) objects whose features come in manifest order, are not null, and
    /// are valid (values outside declared ranges or categories are counted in <see cref="FeatureBatch.OutOfRangeCount"/>
    /// as the validator counts them, unless the manifest rejects them). Never throws for bad input.
    /// </summary>
    /// <param name="manifest">The routed version's manifest.</param>
    /// <param name="body">The whole request body.</param>
    /// <param name="limits">The scoring limits.</param>
    /// <param name="maxInstances">The host's own bound on instances per request.</param>
    /// <param name="maxDepth">The host's JSON nesting limit (0: System.Text.Json's default of 64).</param>
    public static FeatureBatch? TryRead(ModelManifest manifest, ReadOnlySequence<byte> body, ScoringLimits limits, int maxInstances, int maxDepth)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(limits);
        if (maxDepth is > 0 and < 3)
        {
            return null; // the body's object, its array and an instance are three levels: the full parse names the limit
        }

        if (body.IsSingleSegment)
        {
            return TryRead(manifest, body.FirstSpan, limits, maxInstances);
        }

        // A body Kestrel received in several buffers: scanned as one span (bodies are bounded by the request limit).
        var copy = ArrayPool<byte>.Shared.Rent(checked((int)body.Length));
        try
        {
            body.CopyTo(copy);
            return TryRead(manifest, copy.AsSpan(0, (int)body.Length), limits, maxInstances);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    private static FeatureBatch? TryRead(ModelManifest manifest, ReadOnlySpan<byte> body, ScoringLimits limits, int maxInstances)
    {
        var scanner = new Scanner(body);
        if (!scanner.Take((byte)'{') || !scanner.TakeName("instances"u8) || !scanner.Take((byte)'['))
        {
            return null;
        }

        var plan = ManifestPlan.For(manifest);
        var batch = new FeatureBatch(manifest, capacity: 1); // most requests carry one instance; the batch grows
        var max = Math.Min(maxInstances, limits.MaxInstances);
        do
        {
            if (batch.Count == max || !TryReadInstance(ref scanner, manifest, plan, limits, batch, batch.AddRow()))
            {
                return null;
            }
        }
        while (scanner.Take((byte)','));

        // The array must have ended, and the body with it: no second property, nothing after.
        return scanner.Take((byte)']') && scanner.Take((byte)'}') && scanner.AtEnd() ? batch : null;
    }

    private static bool TryReadInstance(ref Scanner scanner, ModelManifest manifest, ManifestPlan plan, ScoringLimits limits, FeatureBatch batch, int row)
    {
        if (!scanner.Take((byte)'{'))
        {
            return false;
        }

        var features = manifest.Features;
        var next = 0;
        if (!scanner.Take((byte)'}'))
        {
            do
            {
                if (next == features.Count || !scanner.TakeName(plan.Utf8Names[next]) || !TrySetValue(ref scanner, manifest, plan, limits, next, batch, row))
                {
                    return false;
                }

                next++;
            }
            while (scanner.Take((byte)','));

            if (!scanner.Take((byte)'}'))
            {
                return false;
            }
        }

        for (var f = next; f < features.Count; f++)
        {
            if (features[f].Required)
            {
                return false;
            }
        }

        return true;
    }

    // The accepting branches of InstanceValidator.SetValue; whatever it would report or count goes back to it.
    private static bool TrySetValue(ref Scanner scanner, ModelManifest manifest, ManifestPlan plan, ScoringLimits limits, int f, FeatureBatch batch, int row)
    {
        var spec = manifest.Features[f];
        switch (spec.Type)
        {
            case FeatureType.Float:
                if (!scanner.TakeNumber(out var number, out _) || !TryParseDouble(number, out var d) ||
                    !double.IsFinite(d) || Math.Abs(d) > float.MaxValue || !Allowed(manifest, InstanceValidator.OutsideRange(spec, d), batch))
                {
                    return false;
                }

                batch.SetNumber(row, f, d);
                return true;

            case FeatureType.Int:
                if (!scanner.TakeNumber(out var integer, out var isInteger) || !isInteger ||
                    !long.TryParse(integer, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ||
                    (plan.FeedsInt32[f] && l is < int.MinValue or > int.MaxValue) || !Allowed(manifest, InstanceValidator.OutsideRange(spec, l), batch) ||
                    !Allowed(manifest, InstanceValidator.OutsideCategories(plan.Categories[f], l), batch))
                {
                    return false;
                }

                batch.SetInteger(row, f, l);
                return true;

            default:
                if (!scanner.TakeString(out var utf8) || utf8.Length > limits.MaxStringLength * 3 || !Utf8.IsValid(utf8) ||
                    Encoding.UTF8.GetString(utf8) is not { } s || s.Length > limits.MaxStringLength ||
                    !Allowed(manifest, InstanceValidator.OutsideCategories(plan.Categories[f], s), batch))
                {
                    return false;
                }

                batch.SetString(row, f, s);
                return true;
        }
    }

    // The usual number by FastDouble's exact fast path, the rest by the general parser (same value either way).
    private static bool TryParseDouble(ReadOnlySpan<byte> number, out double value) =>
        FastDouble.TryParse(number, out value) || double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    // Inside, or outside and kept (counted) by the manifest's policy; otherwise the validator must name it.
    private static bool Allowed(ModelManifest manifest, bool outside, FeatureBatch batch) =>
        !outside || InstanceValidator.KeepOutOfRange(manifest, batch);

    /// <summary>
    /// JSON's grammar (RFC 8259) for the tokens a predict body is made of, over one span; each method skips the white
    /// space before its token and says false, consuming nothing useful, when the next token is not what it takes.
    /// Strings with escapes or control characters are not taken (the full parse reads those).
    /// </summary>
    private ref struct Scanner(ReadOnlySpan<byte> json)
    {
        private readonly ReadOnlySpan<byte> _json = json;
        private int _at;

        /// <summary>The structural character <paramref name="c"/>.</summary>
        public bool Take(byte c)
        {
            SkipWhiteSpace();
            if (_at < _json.Length && _json[_at] == c)
            {
                _at++;
                return true;
            }

            return false;
        }

        /// <summary>A property name equal to <paramref name="name"/> (as written: without escapes) and the colon after it.</summary>
        public bool TakeName(ReadOnlySpan<byte> name) =>
            TakeString(out var taken) && taken.SequenceEqual(name) && Take((byte)':');

        /// <summary>A string without escapes or control characters; its content as written (UTF-8 not yet checked).</summary>
        public bool TakeString(out ReadOnlySpan<byte> content)
        {
            content = default;
            if (!Take((byte)'"'))
            {
                return false;
            }

            var rest = _json[_at..];
            var end = rest.IndexOfAny((byte)'"', (byte)'\\');
            if (end < 0 || rest[end] != (byte)'"' || rest[..end].IndexOfAnyInRange((byte)0, (byte)0x1F) >= 0)
            {
                return false;
            }

            content = rest[..end];
            _at += end + 1;
            return true;
        }

        /// <summary>A number (<c>-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?</c>) and whether it has neither fraction nor exponent.</summary>
        public bool TakeNumber(out ReadOnlySpan<byte> number, out bool isInteger)
        {
            SkipWhiteSpace();
            number = default;
            isInteger = true;
            var at = _at;
            if (At(at) == '-')
            {
                at++;
            }

            if (At(at) == '0')
            {
                at++;
            }
            else if (!Digits(ref at))
            {
                return false;
            }

            if (At(at) == '.')
            {
                at++;
                isInteger = false;
                if (!Digits(ref at))
                {
                    return false;
                }
            }

            if (At(at) is 'e' or 'E')
            {
                at++;
                isInteger = false;
                if (At(at) is '+' or '-')
                {
                    at++;
                }

                if (!Digits(ref at))
                {
                    return false;
                }
            }

            number = _json[_at..at];
            _at = at;
            return true;
        }

        /// <summary>Only white space is left.</summary>
        public bool AtEnd()
        {
            SkipWhiteSpace();
            return _at == _json.Length;
        }

        private readonly int At(int index) => index < _json.Length ? _json[index] : -1;

        // One or more digits (the integer part's leading zero is taken by the caller, so 01 ends the number at 0).
        private readonly bool Digits(ref int at)
        {
            var start = at;
            while (At(at) is >= '0' and <= '9')
            {
                at++;
            }

            return at > start;
        }

        private void SkipWhiteSpace()
        {
            while (_at < _json.Length && _json[_at] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
            {
                _at++;
            }
        }
    }
}
