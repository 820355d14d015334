namespace Shipyard.Scoring.Internals;

/// <summary>
/// Rows on their way into the graph: writes the values of the features that feed one ONNX input (manifest
/// <c>onnx.inputs</c> order), row-major, into a buffer of that input's element type. HTTP's <see cref="FeatureBatch"/>
/// and batch's parsed chunk each implement it as a struct, so the packing loops are specialised, not virtual calls.
/// </summary>
internal interface IScoringInput
{
    /// <summary>Rows to score.</summary>
    int Rows { get; }

    /// <summary>Writes [rows, features of input <paramref name="input"/>] as float (NaN for a missing value).</summary>
    void PackFloat(int input, Span<float> destination);

    /// <summary>As <see cref="PackFloat"/>, in double precision.</summary>
    void PackDouble(int input, Span<double> destination);

    /// <summary>As <see cref="PackFloat"/>, as int64 (0 for a missing value).</summary>
    void PackInt64(int input, Span<long> destination);

    /// <summary>As <see cref="PackFloat"/>, as int32 (the validator keeps values in range).</summary>
    void PackInt32(int input, Span<int> destination);

    /// <summary>As <see cref="PackFloat"/>, as text ("" for a missing value).</summary>
    void PackString(int input, Span<string> destination);
}
