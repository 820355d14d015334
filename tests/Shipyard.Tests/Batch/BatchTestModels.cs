using Shipyard.Batch.Internals;
using Shipyard.Models;
using Shipyard.Scoring.Internals;
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
        return () => new OwnedScorer(OnnxScorer.Load(manifest, File.ReadAllBytes(Path.Combine(RepoPaths.Models, name, version, "model.onnx")), null, out _));
    }

    public static string DataFile(string name, string file) => Path.Combine(RepoPaths.Models, name, "data", file);

    public static string SamplesFile(string name, string version = "1") => Path.Combine(RepoPaths.Models, name, version, "samples.csv");

    /// <summary>A chunk scorer that owns its model (the pipeline disposes it when the run ends).</summary>
    private sealed class OwnedScorer(OnnxScorer scorer) : IChunkScorer, IDisposable
    {
        private readonly OnnxChunkScorer _inner = new(scorer);

        public void Score(BatchChunk chunk) => _inner.Score(chunk);

        public void Dispose() => scorer.Dispose();
    }
}
