namespace Shipyard.Scoring;

/// <summary>
/// A tensor's elements already decoded by the host, flat in row-major order, for transports that carry typed values
/// (gRPC's <c>contents</c> and <c>raw_input_contents</c>) rather than JSON: numbers (FP32, FP64), integers (INT*, UINT*,
/// BOOL as 0/1) or texts (BYTES). The same checks as for JSON data then apply to each element.
/// </summary>
public sealed class InferTensorValues
{
    private InferTensorValues(double[]? numbers, long[]? integers, string[]? texts)
    {
        Numbers = numbers;
        Integers = integers;
        Texts = texts;
    }

    /// <summary>Floating-point elements, or null.</summary>
    public double[]? Numbers { get; }

    /// <summary>Integer elements, or null.</summary>
    public long[]? Integers { get; }

    /// <summary>Text elements, or null.</summary>
    public string[]? Texts { get; }

    /// <summary>How many elements there are.</summary>
    public int Count => Numbers?.Length ?? Integers?.Length ?? Texts!.Length;

    /// <summary>Floating-point elements.</summary>
    public static InferTensorValues Of(double[] numbers) => new(numbers ?? throw new ArgumentNullException(nameof(numbers)), null, null);

    /// <summary>Integer elements.</summary>
    public static InferTensorValues Of(long[] integers) => new(null, integers ?? throw new ArgumentNullException(nameof(integers)), null);

    /// <summary>Text elements.</summary>
    public static InferTensorValues Of(string[] texts) => new(null, null, texts ?? throw new ArgumentNullException(nameof(texts)));
}
