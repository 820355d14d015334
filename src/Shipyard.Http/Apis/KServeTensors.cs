using Shipyard.Http.Apis.Contracts;
using Shipyard.Models;

namespace Shipyard.Http.Apis;

/// <summary>The tensors a model version accepts and returns over the Open Inference Protocol, from its manifest.</summary>
internal static class KServeTensors
{
    /// <summary>One input per feature, shape <c>[-1]</c> (<c>[N]</c> or <c>[N,1]</c> accepted), FP32 / INT64 / BYTES by feature type.</summary>
    public static IReadOnlyList<KServeTensorMetadata> Inputs(ModelManifest manifest) =>
        [.. manifest.Features.Select(f => new KServeTensorMetadata(f.Name, Datatype(f.Type), [-1]))];

    /// <summary>Classifiers: <c>label</c> BYTES <c>[-1]</c> and <c>probabilities</c> FP32 <c>[-1, classes]</c>; regressors: <c>value</c> FP32 <c>[-1]</c>.</summary>
    public static IReadOnlyList<KServeTensorMetadata> Outputs(ModelManifest manifest) => manifest.IsClassifier
        ?
        [
            new KServeTensorMetadata("label", "BYTES", [-1]),
            new KServeTensorMetadata("probabilities", "FP32", [-1, manifest.Labels.Count]),
        ]
        : [new KServeTensorMetadata("value", "FP32", [-1])];

    private static string Datatype(FeatureType type) => type switch
    {
        FeatureType.Float => "FP32",
        FeatureType.Int => "INT64",
        _ => "BYTES",
    };
}
