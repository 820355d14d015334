namespace Shipyard.Scoring.Internals;

/// <summary>
/// Rows on their way into the graph: writes the values of the features that feed one ONNX input (manifest
/// <c>onnx.inputs</c> order) for rows [start, start + rows), row-major, into a buffer of that input's element type. The
/// scorer chooses the windows (runs of at most <c>runtime.maxBatch</c> rows). HTTP's <see cref="FeatureBatch"/>
/// and batch's parsed chunk each implement it as a struct, so the packing loops are specialised, not virtual calls.
/// </summary>
internal interface IScoringInput
{
    /// <summary>All rows to score.</summary>
    int Rows { get; }

    /// <summary>Writes rows [<paramref name="start"/>, <paramref name="start"/> + <paramref name="rows"/>) of the features of input
    /// <paramref name="input"/> as float (NaN for a missing value).</summary>
    void PackFloat(int input, int start, int rows, Span<float> destination);

    /// <summary>As <see cref="PackFloat"/>, in double precision.</summary>
    void PackDouble(int input, int start, int rows, Span<double> destination);

    /// <summary>As <see cref="PackFloat"/>, as int64 (0 for a missing value).</summary>
    void PackInt64(int input, int start, int rows, Span<long> destination);

    /// <summary>As <see cref="PackFloat"/>, as int32 (the validator keeps values in range).</summary>
    void PackInt32(int input, int start, int rows, Span<int> destination);

    /// <summary>As <see cref="PackFloat"/>, as text ("" for a missing value).</summary>
    void PackString(int input, int start, int rows, Span<string> destination);
}
