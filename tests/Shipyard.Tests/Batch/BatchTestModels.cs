using Shipyard.Batch.Internals;
using Shipyard.Models;
using Shipyard.Onnx;
using Shipyard.Testing;

namespace Shipyard.Tests.Batch;

/// <summary>The bundled sample models, loaded straight from models/ into a real ONNX Runtime session.</summary>
internal static class BatchTestModels
{
    public static ModelManifest Manifest(string name, string version = "1") =>
        ModelManifest.Parse(File.ReadAllBytes(Path.Combine(RepoPaths.Models, name, version, "model.json")));

    public static Func<IChunkScorer> Scorer(string name, string version, int maxRows)
    {
        var manifest = Manifest(name, version);
        return () =>
        {
            var session = InferenceSession.Create(Path.Combine(RepoPaths.Models, name, version, "model.onnx"));
            return new OrtChunkScorer(session, manifest, maxRows, owner: session);
        };
    }

    public static string DataFile(string name, string file) => Path.Combine(RepoPaths.Models, name, "data", file);

    public static string SamplesFile(string name, string version = "1") => Path.Combine(RepoPaths.Models, name, version, "samples.csv");
}
