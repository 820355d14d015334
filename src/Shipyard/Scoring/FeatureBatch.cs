using Shipyard.Models;
using Shipyard.Scoring.Internals;

namespace Shipyard.Scoring;

/// <summary>
/// Validated feature values of N instances for one manifest, stored row by row in one flat array per value type (floats,
/// ints, strings; each feature has its column in its type's array, <see cref="ManifestPlan.Columns"/>) plus one presence
/// flag per cell, so a batch is a handful of arrays whatever the feature count, rows append by growing the arrays, and
/// batches concatenate with one copy per array. Filled by <see cref="InstanceValidator"/> (JSON) or by a caller that
/// validated values itself (CSV batch scoring). Not thread-safe while being filled; read-only afterwards.
/// </summary>
public sealed class FeatureBatch
{
    private readonly int[] _columns;
    private readonly int _width;
    private readonly int _floatWidth;
    private readonly int _intWidth;
    private readonly int _stringWidth;
    private double[] _numbers;
    private long[] _integers;
    private string?[] _strings;
    private bool[] _present;
    private int _capacity;

    /// <summary>Creates an empty batch for <paramref name="manifest"/> with room for <paramref name="capacity"/> rows (it grows as needed).</summary>
    public FeatureBatch(ModelManifest manifest, int capacity = 16)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        Manifest = manifest;
        var plan = ManifestPlan.For(manifest);
        _columns = plan.Columns;
        _width = manifest.Features.Count;
        _floatWidth = plan.FloatColumns;
        _intWidth = plan.IntColumns;
        _stringWidth = plan.StringColumns;
        _capacity = Math.Max(capacity, 1);
        _numbers = _floatWidth == 0 ? [] : new double[checked(_capacity * _floatWidth)];
        _integers = _intWidth == 0 ? [] : new long[checked(_capacity * _intWidth)];
        _strings = _stringWidth == 0 ? [] : new string?[checked(_capacity * _stringWidth)];
        _present = new bool[checked(_capacity * _width)];
    }

    /// <summary>The manifest whose <see cref="ModelManifest.Features"/> index the columns.</summary>
    public ModelManifest Manifest { get; }

    /// <summary>Number of rows.</summary>
    public int Count { get; private set; }

    /// <summary>Values outside declared min/max or categories that were accepted (manifest <c>outOfRange: allow</c>).</summary>
    public int OutOfRangeCount { get; internal set; }

    /// <summary>Appends a row with every feature missing and returns its index.</summary>
    public int AddRow()
    {
        if (Count == _capacity)
        {
            Grow(Math.Max(_capacity * 2, 16));
        }

        return Count++;
    }

    /// <summary>Sets a float feature.</summary>
    public void SetNumber(int row, int feature, double value)
    {
        CheckRow(row);
        if (Manifest.Features[feature].Type != FeatureType.Float)
        {
            throw new InvalidOperationException($"Feature '{Manifest.Features[feature].Name}' is not a float feature.");
        }

        _numbers[(row * _floatWidth) + _columns[feature]] = value;
        _present[(row * _width) + feature] = true;
    }

    /// <summary>Sets an int feature.</summary>
    public void SetInteger(int row, int feature, long value)
    {
        CheckRow(row);
        if (Manifest.Features[feature].Type != FeatureType.Int)
        {
            throw new InvalidOperationException($"Feature '{Manifest.Features[feature].Name}' is not an int feature.");
        }

        _integers[(row * _intWidth) + _columns[feature]] = value;
        _present[(row * _width) + feature] = true;
    }

    /// <summary>Sets a string feature.</summary>
    public void SetString(int row, int feature, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        CheckRow(row);
        if (Manifest.Features[feature].Type != FeatureType.String)
        {
            throw new InvalidOperationException($"Feature '{Manifest.Features[feature].Name}' is not a string feature.");
        }

        _strings[(row * _stringWidth) + _columns[feature]] = value;
        _present[(row * _width) + feature] = true;
    }

    /// <summary>Whether the row carries a value for the feature.</summary>
    public bool IsPresent(int row, int feature) => _present[(row * _width) + feature];

    /// <summary>The value of a float feature (NaN when missing).</summary>
    public double GetNumber(int row, int feature) => IsPresent(row, feature) ? _numbers[(row * _floatWidth) + _columns[feature]] : double.NaN;

    /// <summary>The value of an int feature (0 when missing).</summary>
    public long GetInteger(int row, int feature) => IsPresent(row, feature) ? _integers[(row * _intWidth) + _columns[feature]] : 0;

    /// <summary>The value of a string feature (null when missing).</summary>
    public string? GetString(int row, int feature) => IsPresent(row, feature) ? _strings[(row * _stringWidth) + _columns[feature]] : null;

    /// <summary>Copies rows of several batches of the same manifest into one (micro-batching).</summary>
    internal static FeatureBatch Concat(IReadOnlyList<FeatureBatch> parts)
    {
        var total = 0;
        foreach (var p in parts)
        {
            total += p.Count;
        }

        var result = new FeatureBatch(parts[0].Manifest, total);
        foreach (var p in parts)
        {
            var offset = result.Count;
            Array.Copy(p._present, 0, result._present, offset * result._width, p.Count * p._width);
            Array.Copy(p._numbers, 0, result._numbers, offset * result._floatWidth, p.Count * p._floatWidth);
            Array.Copy(p._integers, 0, result._integers, offset * result._intWidth, p.Count * p._intWidth);
            Array.Copy(p._strings, 0, result._strings, offset * result._stringWidth, p.Count * p._stringWidth);
            result.Count += p.Count;
        }

        return result;
    }

    /// <summary>
    /// The same rows laid out for another manifest (a shadow version): every feature of <paramref name="target"/> is taken
    /// by name from this batch. Null when a target feature is absent here with a different type, or is required and absent.
    /// </summary>
    internal FeatureBatch? Remap(ModelManifest target)
    {
        if (ReferenceEquals(target, Manifest))
        {
            return this;
        }

        var map = new int[target.Features.Count];
        for (var t = 0; t < target.Features.Count; t++)
        {
            var spec = target.Features[t];
            var s = Manifest.IndexOfFeature(spec.Name);
            if (s >= 0 && Manifest.Features[s].Type != spec.Type)
            {
                return null;
            }

            if (s < 0 && spec.Required)
            {
                return null;
            }

            map[t] = s;
        }

        var result = new FeatureBatch(target, Count) { Count = Count };
        for (var row = 0; row < Count; row++)
        {
            for (var t = 0; t < map.Length; t++)
            {
                var s = map[t];
                if (s < 0 || !IsPresent(row, s))
                {
                    continue;
                }

                switch (target.Features[t].Type)
                {
                    case FeatureType.Float:
                        result.SetNumber(row, t, GetNumber(row, s));
                        break;
                    case FeatureType.Int:
                        result.SetInteger(row, t, GetInteger(row, s));
                        break;
                    default:
                        result.SetString(row, t, GetString(row, s)!);
                        break;
                }
            }
        }

        return result;
    }

    /// <summary>Writes the rows' values of <paramref name="features"/> (indexes into the manifest) row-major into <paramref name="destination"/>.</summary>
    internal void PackFloat(ReadOnlySpan<int> features, int start, int count, Span<float> destination)
    {
        var width = features.Length;
        Span<int> source = width <= 256 ? stackalloc int[width] : new int[width];
        Span<bool> isFloat = width <= 256 ? stackalloc bool[width] : new bool[width];
        Locate(features, source, isFloat);
        for (var r = 0; r < count; r++)
        {
            var row = start + r;
            var present = _present.AsSpan(row * _width, _width);
            var numbers = _numbers.AsSpan(row * _floatWidth, _floatWidth);
            var integers = _integers.AsSpan(row * _intWidth, _intWidth);
            var target = destination.Slice(r * width, width);
            for (var c = 0; c < width; c++)
            {
                target[c] = !present[features[c]] ? float.NaN : isFloat[c] ? (float)numbers[source[c]] : integers[source[c]];
            }
        }
    }

    internal void PackDouble(ReadOnlySpan<int> features, int start, int count, Span<double> destination)
    {
        var width = features.Length;
        Span<int> source = width <= 256 ? stackalloc int[width] : new int[width];
        Span<bool> isFloat = width <= 256 ? stackalloc bool[width] : new bool[width];
        Locate(features, source, isFloat);
        for (var r = 0; r < count; r++)
        {
            var row = start + r;
            var present = _present.AsSpan(row * _width, _width);
            var numbers = _numbers.AsSpan(row * _floatWidth, _floatWidth);
            var integers = _integers.AsSpan(row * _intWidth, _intWidth);
            var target = destination.Slice(r * width, width);
            for (var c = 0; c < width; c++)
            {
                target[c] = !present[features[c]] ? double.NaN : isFloat[c] ? numbers[source[c]] : integers[source[c]];
            }
        }
    }

    // Per packed feature, once per call instead of once per value: its column among the row's numbers or integers.
    private void Locate(ReadOnlySpan<int> features, Span<int> source, Span<bool> isFloat)
    {
        for (var c = 0; c < features.Length; c++)
        {
            isFloat[c] = Manifest.Features[features[c]].Type == FeatureType.Float;
            source[c] = _columns[features[c]];
        }
    }

    internal void PackInt64(ReadOnlySpan<int> features, int start, int count, Span<long> destination)
    {
        var width = features.Length;
        for (var r = 0; r < count; r++)
        {
            for (var c = 0; c < width; c++)
            {
                destination[(r * width) + c] = GetInteger(start + r, features[c]);
            }
        }
    }

    internal void PackInt32(ReadOnlySpan<int> features, int start, int count, Span<int> destination)
    {
        var width = features.Length;
        for (var r = 0; r < count; r++)
        {
            for (var c = 0; c < width; c++)
            {
                // The validator rejects int values outside the int32 range for int32 inputs.
                destination[(r * width) + c] = (int)GetInteger(start + r, features[c]);
            }
        }
    }

    internal void PackString(ReadOnlySpan<int> features, int start, int count, Span<string> destination)
    {
        var width = features.Length;
        for (var r = 0; r < count; r++)
        {
            for (var c = 0; c < width; c++)
            {
                destination[(r * width) + c] = GetString(start + r, features[c]) ?? string.Empty;
            }
        }
    }

    private void CheckRow(int row)
    {
        if ((uint)row >= (uint)Count)
        {
            ScoringThrow.ArgumentOutOfRange_Row(row, Count);
        }
    }

    private void Grow(int capacity)
    {
        // Row-major: the rows so far keep their places, the new ones go after them.
        // Cells are counted in int: a batch of more cells fails here instead of wrapping around.
        Array.Resize(ref _present, checked(capacity * _width));
        if (_floatWidth > 0)
        {
            Array.Resize(ref _numbers, checked(capacity * _floatWidth));
        }

        if (_intWidth > 0)
        {
            Array.Resize(ref _integers, checked(capacity * _intWidth));
        }

        if (_stringWidth > 0)
        {
            Array.Resize(ref _strings, checked(capacity * _stringWidth));
        }

        _capacity = capacity;
    }
}
