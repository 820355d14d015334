using Shipyard.Models;
using Shipyard.Scoring.Internals;

namespace Shipyard.Scoring;

/// <summary>
/// Validated feature values of N instances for one manifest, stored by column (one array per feature) so that rows can
/// be packed into ONNX tensors without a per-row object. Filled by <see cref="InstanceValidator"/> (JSON) or by a caller
/// that validated values itself (CSV batch scoring). Not thread-safe while being filled; read-only afterwards.
/// </summary>
public sealed class FeatureBatch
{
    private readonly double[][] _numbers;
    private readonly long[][] _integers;
    private readonly string?[][] _strings;
    private readonly bool[][] _present;
    private int _capacity;

    /// <summary>Creates an empty batch for <paramref name="manifest"/> with room for <paramref name="capacity"/> rows (it grows as needed).</summary>
    public FeatureBatch(ModelManifest manifest, int capacity = 16)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        Manifest = manifest;
        _capacity = Math.Max(capacity, 1);
        var n = manifest.Features.Count;
        _numbers = new double[n][];
        _integers = new long[n][];
        _strings = new string?[n][];
        _present = new bool[n][];
        for (var f = 0; f < n; f++)
        {
            switch (manifest.Features[f].Type)
            {
                case FeatureType.Float:
                    _numbers[f] = new double[_capacity];
                    break;
                case FeatureType.Int:
                    _integers[f] = new long[_capacity];
                    break;
                default:
                    _strings[f] = new string?[_capacity];
                    break;
            }

            _present[f] = new bool[_capacity];
        }
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

        _numbers[feature][row] = value;
        _present[feature][row] = true;
    }

    /// <summary>Sets an int feature.</summary>
    public void SetInteger(int row, int feature, long value)
    {
        CheckRow(row);
        if (Manifest.Features[feature].Type != FeatureType.Int)
        {
            throw new InvalidOperationException($"Feature '{Manifest.Features[feature].Name}' is not an int feature.");
        }

        _integers[feature][row] = value;
        _present[feature][row] = true;
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

        _strings[feature][row] = value;
        _present[feature][row] = true;
    }

    /// <summary>Whether the row carries a value for the feature.</summary>
    public bool IsPresent(int row, int feature) => _present[feature][row];

    /// <summary>The value of a float feature (NaN when missing).</summary>
    public double GetNumber(int row, int feature) => _present[feature][row] ? _numbers[feature][row] : double.NaN;

    /// <summary>The value of an int feature (0 when missing).</summary>
    public long GetInteger(int row, int feature) => _present[feature][row] ? _integers[feature][row] : 0;

    /// <summary>The value of a string feature (null when missing).</summary>
    public string? GetString(int row, int feature) => _present[feature][row] ? _strings[feature][row] : null;

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
            for (var f = 0; f < result.Manifest.Features.Count; f++)
            {
                Array.Copy(p._present[f], 0, result._present[f], offset, p.Count);
                if (p._numbers[f] is { } n)
                {
                    Array.Copy(n, 0, result._numbers[f], offset, p.Count);
                }
                else if (p._integers[f] is { } i)
                {
                    Array.Copy(i, 0, result._integers[f], offset, p.Count);
                }
                else
                {
                    Array.Copy(p._strings[f], 0, result._strings[f], offset, p.Count);
                }
            }

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

        var result = new FeatureBatch(target, Count);
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

        result.Count = Count;
        for (var t = 0; t < map.Length; t++)
        {
            if (map[t] < 0)
            {
                continue;
            }

            var s = map[t];
            Array.Copy(_present[s], result._present[t], Count);
            if (_numbers[s] is { } n)
            {
                Array.Copy(n, result._numbers[t], Count);
            }
            else if (_integers[s] is { } i)
            {
                Array.Copy(i, result._integers[t], Count);
            }
            else
            {
                Array.Copy(_strings[s], result._strings[t], Count);
            }
        }

        return result;
    }

    /// <summary>Writes the rows' values of <paramref name="features"/> (indexes into the manifest) row-major into <paramref name="destination"/>.</summary>
    internal void PackFloat(IReadOnlyList<int> features, int start, int count, Span<float> destination)
    {
        var width = features.Count;
        for (var c = 0; c < width; c++)
        {
            var f = features[c];
            var present = _present[f];
            if (_numbers[f] is { } numbers)
            {
                for (var r = 0; r < count; r++)
                {
                    destination[(r * width) + c] = present[start + r] ? (float)numbers[start + r] : float.NaN;
                }
            }
            else
            {
                var ints = _integers[f];
                for (var r = 0; r < count; r++)
                {
                    destination[(r * width) + c] = present[start + r] ? ints[start + r] : float.NaN;
                }
            }
        }
    }

    internal void PackDouble(IReadOnlyList<int> features, int start, int count, Span<double> destination)
    {
        var width = features.Count;
        for (var c = 0; c < width; c++)
        {
            var f = features[c];
            for (var r = 0; r < count; r++)
            {
                var i = start + r;
                destination[(r * width) + c] = !_present[f][i] ? double.NaN : _numbers[f] is { } n ? n[i] : _integers[f][i];
            }
        }
    }

    internal void PackInt64(IReadOnlyList<int> features, int start, int count, Span<long> destination)
    {
        var width = features.Count;
        for (var c = 0; c < width; c++)
        {
            var f = features[c];
            for (var r = 0; r < count; r++)
            {
                destination[(r * width) + c] = GetInteger(start + r, f);
            }
        }
    }

    internal void PackInt32(IReadOnlyList<int> features, int start, int count, Span<int> destination)
    {
        var width = features.Count;
        for (var c = 0; c < width; c++)
        {
            var f = features[c];
            for (var r = 0; r < count; r++)
            {
                // The validator rejects int values outside the int32 range for int32 inputs.
                destination[(r * width) + c] = (int)GetInteger(start + r, f);
            }
        }
    }

    internal void PackString(IReadOnlyList<int> features, int start, int count, Span<string> destination)
    {
        var width = features.Count;
        for (var c = 0; c < width; c++)
        {
            var f = features[c];
            for (var r = 0; r < count; r++)
            {
                destination[(r * width) + c] = GetString(start + r, f) ?? string.Empty;
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
        for (var f = 0; f < _present.Length; f++)
        {
            Array.Resize(ref _present[f], capacity);
            if (_numbers[f] is not null)
            {
                Array.Resize(ref _numbers[f], capacity);
            }
            else if (_integers[f] is not null)
            {
                Array.Resize(ref _integers[f], capacity);
            }
            else
            {
                Array.Resize(ref _strings[f], capacity);
            }
        }

        _capacity = capacity;
    }
}
