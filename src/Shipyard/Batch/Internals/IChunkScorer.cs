namespace Shipyard.Batch.Internals;

/// <summary>Scores the rows of a chunk in one model run and stores the predictions in the chunk.</summary>
/// <remarks>The seam between the CSV pipeline and the ONNX session (see <see cref="OnnxChunkScorer"/>).</remarks>
internal interface IChunkScorer
{
    /// <summary>Scores <see cref="BatchChunk.Count"/> rows of <paramref name="chunk"/>, filling its prediction arrays.</summary>
    void Score(BatchChunk chunk);
}
