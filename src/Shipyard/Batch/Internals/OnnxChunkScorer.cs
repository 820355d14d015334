using System.Globalization;
using Shipyard.Models;
using Shipyard.Scoring.Internals;

namespace Shipyard.Batch.Internals;

/// <summary>
/// Scores a chunk with the leased version's <see cref="OnnxScorer"/> (the scorer HTTP uses): the chunk's parsed values
/// are packed into the graph inputs the manifest names, and the predictions land in <see cref="BatchChunk.Scores"/>.
/// </summary>
internal sealed class OnnxChunkScorer(OnnxScorer scorer) : IChunkScorer
{
    /// <summary>A scorer over the version held by <paramref name="lease"/> (the lease stays owned by the caller).</summary>
    public static OnnxChunkScorer Create(ModelLease lease) => new(lease.Scorer);

    /// <inheritdoc />
    public void Score(BatchChunk chunk)
    {
        var input = new ChunkInput(chunk, ManifestPlan.For(scorer.Manifest));
        try
        {
            scorer.Score(ref input, chunk.Scores);
        }
        catch (ModelRunException e)
        {
            var manifest = scorer.Manifest;
            throw new BatchFailedException(
                $"model '{manifest.Name}' version {manifest.Version} failed on the chunk of rows {chunk.RowNumbers[0]}–{chunk.RowNumbers[chunk.Count - 1]}: {e.Message}", e);
        }
    }

    /// <summary>A chunk's rows as graph input: its values are row-major [row, feature] doubles in manifest order.</summary>
    private readonly struct ChunkInput(BatchChunk chunk, ManifestPlan plan) : IScoringInput
    {
        public int Rows => chunk.Count;

        public void PackFloat(int input, int start, int rows, Span<float> destination) => Pack<float, ToFloat>(input, start, rows, destination);

        public void PackDouble(int input, int start, int rows, Span<double> destination) => Pack<double, ToDouble>(input, start, rows, destination);

        public void PackInt64(int input, int start, int rows, Span<long> destination) => Pack<long, ToInt64>(input, start, rows, destination);

        public void PackInt32(int input, int start, int rows, Span<int> destination) => Pack<int, ToInt32>(input, start, rows, destination);

        public void PackString(int input, int start, int rows, Span<string> destination)
        {
            var features = plan.InputFeatures[input];
            var width = features.Length;
            var stride = chunk.FeatureCount;
            for (var r = 0; r < rows; r++)
            {
                var row = (start + r) * stride;
                for (var j = 0; j < width; j++)
                {
                    var f = features[j];
                    destination[(r * width) + j] = chunk.Texts?[row + f] ?? chunk.Numbers[row + f].ToString(CultureInfo.InvariantCulture);
                }
            }
        }

        // One packing loop for every numeric element type: the converter is a struct, so each instantiation is
        // specialised by the JIT (no delegate call per value).
        private void Pack<T, TConvert>(int input, int start, int rows, Span<T> destination)
            where TConvert : struct, IFromDouble<T>
        {
            var features = plan.InputFeatures[input];
            var width = features.Length;
            var stride = chunk.FeatureCount;
            var numbers = chunk.Numbers;
            for (var r = 0; r < rows; r++)
            {
                var row = (start + r) * stride;
                for (var j = 0; j < width; j++)
                {
                    destination[(r * width) + j] = TConvert.From(numbers[row + features[j]]);
                }
            }
        }
    }

    /// <summary>How a parsed value (double, NaN when missing) becomes a tensor element.</summary>
    private interface IFromDouble<T>
    {
        static abstract T From(double value);
    }

    private readonly struct ToFloat : IFromDouble<float>
    {
        public static float From(double value) => (float)value;
    }

    private readonly struct ToDouble : IFromDouble<double>
    {
        public static double From(double value) => value;
    }

    // Integer inputs: a missing optional value is 0 (the validator keeps present values in range).
    private readonly struct ToInt64 : IFromDouble<long>
    {
        public static long From(double value) => double.IsNaN(value) ? 0 : (long)value;
    }

    private readonly struct ToInt32 : IFromDouble<int>
    {
        public static int From(double value) => double.IsNaN(value) ? 0 : (int)value;
    }
}
