using System.Text.Json.Serialization;
using Shipyard.Models.Internals;

namespace Shipyard.Models;

/// <summary>What a model predicts; serialized as <c>binary-classification</c>, <c>multiclass-classification</c>, <c>regression</c>.</summary>
[JsonConverter(typeof(KebabCaseEnumConverter<ModelTask>))]
public enum ModelTask
{
    /// <summary>Two classes; <see cref="ModelManifest.Labels"/> has exactly two entries.</summary>
    BinaryClassification,

    /// <summary>Two or more classes; <see cref="ModelManifest.Labels"/> names them by class id.</summary>
    MulticlassClassification,

    /// <summary>One numeric value per instance.</summary>
    Regression,
}
