using System.Collections;

namespace Shipyard.Onnx;

/// <summary>
/// The outputs of one run (or the elements of a sequence), in the requested order, addressable by position or name.
/// Owns its values: disposing the collection disposes every value, after which spans read from them are invalid.
/// </summary>
public sealed class OrtValueCollection : IReadOnlyList<OrtValue>, IDisposable
{
    private readonly string[] _names;
    private readonly OrtValue[] _values;

    internal OrtValueCollection(string[] names, OrtValue[] values)
    {
        _names = names;
        _values = values;
    }

    /// <summary>Names of the values, same order as the collection (output names; element indexes for a sequence).</summary>
    public IReadOnlyList<string> Names => _names;

    /// <inheritdoc />
    public int Count => _values.Length;

    /// <inheritdoc />
    public OrtValue this[int index] => _values[index];

    /// <summary>The value with this output name.</summary>
    /// <exception cref="KeyNotFoundException">No output with this name was requested.</exception>
    public OrtValue this[string name]
    {
        get
        {
            var index = Array.IndexOf(_names, name);
            return index >= 0
                ? _values[index]
                : throw new KeyNotFoundException($"No output named '{name}' in this result; it holds: {string.Join(", ", _names)}.");
        }
    }

    /// <inheritdoc />
    public IEnumerator<OrtValue> GetEnumerator() => ((IEnumerable<OrtValue>)_values).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Disposes every value.</summary>
    public void Dispose()
    {
        foreach (var value in _values)
        {
            value.Dispose();
        }
    }
}
