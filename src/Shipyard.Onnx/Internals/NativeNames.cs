using System.Runtime.InteropServices;

namespace Shipyard.Onnx.Internals;

/// <summary>
/// The UTF-8 names of a session's inputs or outputs, allocated once so <c>Run</c> passes pointers without encoding,
/// plus an ordinal name → index lookup.
/// </summary>
internal sealed unsafe class NativeNames : IDisposable
{
    private readonly Dictionary<string, int> _indexes;
    private byte** _pointers;

    public NativeNames(IReadOnlyList<NodeMetadata> nodes)
    {
        Names = nodes.Select(n => n.Name).ToArray();
        _indexes = new Dictionary<string, int>(Names.Length, StringComparer.Ordinal);
        _pointers = (byte**)NativeMemory.AllocZeroed((nuint)Math.Max(Names.Length, 1), (nuint)sizeof(byte*));
        for (var i = 0; i < Names.Length; i++)
        {
            _indexes[Names[i]] = i;
            _pointers[i] = Utf8.Allocate(Names[i]);
        }
    }

    public string[] Names { get; }

    /// <summary>All names, in graph order; valid until disposal.</summary>
    public byte** Pointers => _pointers;

    public bool TryGetIndex(string name, out int index) => _indexes.TryGetValue(name, out index);

    public void Dispose()
    {
        var pointers = _pointers;
        _pointers = null;
        if (pointers == null)
        {
            return;
        }

        for (var i = 0; i < Names.Length; i++)
        {
            NativeMemory.Free(pointers[i]);
        }

        NativeMemory.Free(pointers);
    }
}
