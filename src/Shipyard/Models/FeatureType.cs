using System.Text.Json.Serialization;
using Shipyard.Models.Internals;

namespace Shipyard.Models;

/// <summary>The JSON type an instance's feature value must have; serialized as <c>float</c>, <c>int</c>, <c>string</c>.</summary>
[JsonConverter(typeof(KebabCaseEnumConverter<FeatureType>))]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720", Justification = "Member names mirror the model.json values (float, int, string, …).")]
public enum FeatureType
{
    /// <summary>Any finite JSON number.</summary>
    Float,

    /// <summary>A JSON number with no fractional part, within the range of a 64-bit integer.</summary>
    Int,

    /// <summary>A JSON string.</summary>
    String,
}
