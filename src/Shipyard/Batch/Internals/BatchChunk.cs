using Shipyard.Models;
using Shipyard.Scoring.Internals;

namespace Shipyard.Batch.Internals;

/// <summary>
/// A reusable block of up to <see cref="Capacity"/> parsed rows on their way from the parser to the scorer and writer:
/// the raw input bytes of each row (UTF-8, written back unchanged), its feature values in manifest order, the errors of rows
/// left out, and, after scoring, the predictions. Chunks circulate through a bounded pool, so memory stays flat.
/// </summary>
internal sealed class BatchChunk
{
    private byte[] _raw = new byte[16 * 1024];
    private int _rawLength;

    public BatchChunk(int capacity, ModelManifest manifest)
    {
        Capacity = capacity;
        FeatureCount = manifest.Features.Count;
        ClassCount = manifest.Labels.Count;
        RowNumbers = new long[capacity];
        RawStart = new int[capacity];
        RawLength = new int[capacity];
        Numbers = new double[capacity * FeatureCount];
        Texts = manifest.Features.Any(f => f.Type == FeatureType.String) ? new string?[capacity * FeatureCount] : null;
        Scores = manifest.IsClassifier
            ? new ScoreTarget(new int[capacity], new string?[capacity], new float[capacity * ClassCount], [])
            : new ScoreTarget([], [], [], new double[capacity]);
    }

    public int Capacity { get; }

    public int FeatureCount { get; }

    public int ClassCount { get; }

    /// <summary>Rows held (scoreable rows only; rejected rows are in <see cref="Errors"/>).</summary>
    public int Count { get; private set; }

    /// <summary>Data rows read into this chunk, valid or not.</summary>
    public int RowsRead { get; set; }

    /// <summary>Distinct rows rejected in this chunk.</summary>
    public int RowsRejected { get; set; }

    public bool IsFull => Count == Capacity;

    public long[] RowNumbers { get; }

    public int[] RawStart { get; }

    public int[] RawLength { get; }

    /// <summary>Row-major [row, feature] values in manifest feature order (NaN for a missing optional numeric feature).</summary>
    public double[] Numbers { get; }

    /// <summary>Row-major [row, feature] text of string features (null when the model has none).</summary>
    public string?[]? Texts { get; }

    /// <summary>The predictions of the chunk's rows, after scoring (written by the same output reader HTTP uses).</summary>
    public ScoreTarget Scores { get; }

    public List<BatchRowError> Errors { get; } = [];

    /// <summary>Input bytes consumed when this chunk was completed (for progress).</summary>
    public long BytesRead { get; set; }

    /// <summary>Empties the chunk for reuse.</summary>
    public void Reset()
    {
        Count = 0;
        RowsRead = 0;
        RowsRejected = 0;
        _rawLength = 0;
        Errors.Clear();
    }

    /// <summary>The raw input record (UTF-8) of row <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> Raw(int index) => _raw.AsSpan(RawStart[index], RawLength[index]);

    /// <summary>Makes the row being filled at index <see cref="Count"/> part of the chunk.</summary>
    public void Commit(long rowNumber, ReadOnlySpan<byte> raw)
    {
        if (_raw.Length - _rawLength < raw.Length)
        {
            Array.Resize(ref _raw, Math.Max(_raw.Length * 2, _rawLength + raw.Length));
        }

        raw.CopyTo(_raw.AsSpan(_rawLength));
        RowNumbers[Count] = rowNumber;
        RawStart[Count] = _rawLength;
        RawLength[Count] = raw.Length;
        _rawLength += raw.Length;
        Count++;
    }
}
