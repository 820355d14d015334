namespace Shipyard.Onnx;

/// <summary>What an ONNX value is (<c>ONNXType</c> in <c>onnxruntime_c_api.h</c>).</summary>
public enum OrtValueType
{
    /// <summary>Unknown.</summary>
    Unknown = 0,
    /// <summary>A dense tensor.</summary>
    Tensor = 1,
    /// <summary>A sequence (for example sklearn's ZipMap output, <c>seq(map(int64, float))</c>).</summary>
    Sequence = 2,
    /// <summary>A map.</summary>
    Map = 3,
    /// <summary>An opaque value.</summary>
    Opaque = 4,
    /// <summary>A sparse tensor.</summary>
    SparseTensor = 5,
    /// <summary>An optional value.</summary>
    Optional = 6,
}
