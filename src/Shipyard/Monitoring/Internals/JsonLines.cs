namespace Shipyard.Monitoring.Internals;

/// <summary>The lines of a JSON Lines blob (prediction logs, outcomes), blank lines and a trailing CR left out, without copying.</summary>
internal static class JsonLines
{
    /// <summary>Enumerates the non-blank lines of <paramref name="bytes"/>.</summary>
    public static Enumerator Of(ReadOnlySpan<byte> bytes) => new(bytes);

    /// <summary>A forward-only walk over the lines.</summary>
    public ref struct Enumerator(ReadOnlySpan<byte> bytes)
    {
        private ReadOnlySpan<byte> _rest = bytes;

        /// <summary>The current line.</summary>
        public ReadOnlySpan<byte> Current { get; private set; }

        /// <summary>For <c>foreach</c>.</summary>
        public readonly Enumerator GetEnumerator() => this;

        /// <summary>Moves to the next non-blank line.</summary>
        public bool MoveNext()
        {
            while (!_rest.IsEmpty)
            {
                var end = _rest.IndexOf((byte)'\n');
                var line = end < 0 ? _rest : _rest[..end];
                _rest = end < 0 ? [] : _rest[(end + 1)..];
                if (!line.Trim(" \r\t"u8).IsEmpty)
                {
                    Current = line;
                    return true;
                }
            }

            return false;
        }
    }
}
