using System.Text.Json.Serialization;
using Shipyard.Models.Internals;

namespace Shipyard.Models;

/// <summary>Element type of an ONNX input tensor that features are packed into; serialized as <c>float</c>, <c>double</c>, <c>int64</c>, <c>int32</c>, <c>string</c>.</summary>
[JsonConverter(typeof(KebabCaseEnumConverter<OnnxElementType>))]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720", Justification = "Member names mirror the model.json values (float, int, string, …).")]
public enum OnnxElementType
{
    /// <summary>32-bit float (what skl2onnx emits for numeric inputs).</summary>
    Float,

    /// <summary>64-bit float.</summary>
    Double,

    /// <summary>64-bit signed integer.</summary>
    Int64,

    /// <summary>32-bit signed integer.</summary>
    Int32,

    /// <summary>UTF-8 string.</summary>
    String,
}
