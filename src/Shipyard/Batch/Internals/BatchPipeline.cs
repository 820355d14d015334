using System.Diagnostics;
using System.Threading.Channels;
using Shipyard.Models;
using Shipyard.Scoring.Internals;

namespace Shipyard.Batch.Internals;

/// <summary>
/// The batch scoring loop, three stages: a parser task reads CSV records into chunks, a scoring task scores them, and
/// the caller's task writes them out, in input order. Chunks circulate between a free pool and two bounded queues
/// (<see cref="BatchOptions.QueueDepth"/> each), so the stages overlap on separate cores and memory stays flat whatever
/// the input size.
/// </summary>
internal static class BatchPipeline
{
    public const string PredictionColumn = "prediction";
    public const string ProbabilityColumnPrefix = "probability_";

    /// <summary>Scores <paramref name="input"/> into <paramref name="scored"/> and <paramref name="errors"/> (headers included).</summary>
    /// <remarks>
    /// Input that cannot be scored (not CSV, missing columns, header only, the model failing) ends the run with a
    /// <see cref="BatchRunResult.FailureReason"/>; cancellation and I/O errors propagate.
    /// </remarks>
    public static async Task<BatchRunResult> RunAsync(
        Stream input,
        ModelManifest manifest,
        IChunkScorer scorer,
        CsvWriter scored,
        CsvWriter errors,
        BatchOptions options,
        Action<BatchProgress>? progress,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        long read = 0, accepted = 0, rejected = 0, bytes = 0;
        await using var reader = new CsvReader(input, options.Csv, leaveOpen: true);
        try
        {
            var map = await ReadHeaderAsync(reader, manifest, cancellationToken).ConfigureAwait(false);
            WriteHeaders(reader, manifest, scored, errors);

            // Three stages on their own threads, so a second core overlaps them: parse → score → write (here). Chunks
            // circulate: free → parsed → scored → free; the bounded queues keep memory flat.
            var chunks = (2 * options.QueueDepth) + 3;
            var free = Channel.CreateBounded<BatchChunk>(chunks);
            for (var i = 0; i < chunks; i++)
            {
                free.Writer.TryWrite(new BatchChunk(options.ChunkRows, manifest));
            }

            var parsed = Channel.CreateBounded<BatchChunk>(new BoundedChannelOptions(options.QueueDepth) { SingleReader = true, SingleWriter = true });
            var scoredChunks = Channel.CreateBounded<BatchChunk>(new BoundedChannelOptions(options.QueueDepth) { SingleReader = true, SingleWriter = true });
            using var stopStages = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var parser = Task.Run(() => ParseAsync(reader, map, manifest, options.ChunkRows, free.Reader, parsed.Writer, stopStages.Token), CancellationToken.None);
            var scoring = Task.Run(() => ScoreAsync(scorer, parsed.Reader, scoredChunks.Writer, stopStages.Token), CancellationToken.None);
            try
            {
                await foreach (var chunk in scoredChunks.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    WriteChunk(chunk, manifest, scored, errors);
                    await scored.FlushAsync(cancellationToken).ConfigureAwait(false);
                    await errors.FlushAsync(cancellationToken).ConfigureAwait(false);
                    read += chunk.RowsRead;
                    accepted += chunk.Count;
                    rejected += chunk.RowsRejected;
                    bytes = chunk.BytesRead;
                    progress?.Invoke(new BatchProgress(new BatchRowCounts(read, accepted, rejected), bytes, clock.Elapsed));
                    free.Writer.TryWrite(chunk);
                }
            }
            finally
            {
                await stopStages.CancelAsync().ConfigureAwait(false);
                foreach (var stage in new[] { parser, scoring })
                {
                    try
                    {
                        await stage.ConfigureAwait(false);
                    }
                    catch (Exception) when (stopStages.IsCancellationRequested)
                    {
                        // A stage's own failure already surfaced through the queues; here it was only told to stop.
                    }
                }
            }

            bytes = reader.BytesRead;
            return new BatchRunResult(new BatchRowCounts(read, accepted, rejected), bytes,
                read == 0 ? "the input has a header but no data rows; nothing was scored" : null);
        }
        catch (CsvFormatException e)
        {
            return new BatchRunResult(new BatchRowCounts(read, accepted, rejected), reader.BytesRead, "the input is not readable CSV: " + e.Message);
        }
        catch (BatchFailedException e)
        {
            return new BatchRunResult(new BatchRowCounts(read, accepted, rejected), reader.BytesRead, e.Message);
        }
    }

    private static async Task<ColumnMap> ReadHeaderAsync(CsvReader reader, ModelManifest manifest, CancellationToken cancellationToken)
    {
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new BatchFailedException("the input is empty: expected a header row naming the feature columns, then data rows");
        }

        if (reader.RecordError is { } error)
        {
            throw new BatchFailedException($"the header row is malformed: {error}");
        }

        var headers = new string[reader.FieldCount];
        for (var i = 0; i < headers.Length; i++)
        {
            headers[i] = reader.GetField(i).ToString();
        }

        return ColumnMap.Create(manifest, headers);
    }

    private static void WriteHeaders(CsvReader reader, ModelManifest manifest, CsvWriter scored, CsvWriter errors)
    {
        scored.WriteRawFields(reader.RawRecordUtf8);
        scored.WriteField(PredictionColumn);
        if (manifest.IsClassifier)
        {
            foreach (var label in manifest.Labels)
            {
                scored.WriteField(ProbabilityColumnPrefix + label);
            }
        }

        scored.EndRecord();
        errors.WriteField("row");
        errors.WriteField("column");
        errors.WriteField("reason");
        errors.EndRecord();
    }

    /// <summary>The scoring stage: scores each parsed chunk in order and passes it on; a failure ends the queue with it.</summary>
    private static async Task ScoreAsync(IChunkScorer scorer, ChannelReader<BatchChunk> parsed, ChannelWriter<BatchChunk> scored, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var chunk in parsed.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (chunk.Count > 0)
                {
                    scorer.Score(chunk);
                }

                await scored.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
            }

            scored.TryComplete();
        }
        catch (Exception e)
        {
            scored.TryComplete(e);
            throw;
        }
    }

    private static async Task ParseAsync(
        CsvReader reader,
        ColumnMap map,
        ModelManifest manifest,
        int chunkRows,
        ChannelReader<BatchChunk> free,
        ChannelWriter<BatchChunk> full,
        CancellationToken cancellationToken)
    {
        try
        {
            var plan = ManifestPlan.For(manifest);
            var chunk = await free.ReadAsync(cancellationToken).ConfigureAwait(false);
            chunk.Reset();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                ParseRow(reader, map, manifest, plan, chunk);
                if (chunk.RowsRead == chunkRows)
                {
                    chunk.BytesRead = reader.BytesRead;
                    await full.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
                    chunk = await free.ReadAsync(cancellationToken).ConfigureAwait(false);
                    chunk.Reset();
                }
            }

            if (chunk.RowsRead > 0)
            {
                chunk.BytesRead = reader.BytesRead;
                await full.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
            }

            full.TryComplete();
        }
        catch (Exception e)
        {
            full.TryComplete(e);
            throw;
        }
    }

    private static void ParseRow(CsvReader reader, ColumnMap map, ModelManifest manifest, ManifestPlan plan, BatchChunk chunk)
    {
        var row = reader.RecordNumber - 1;
        chunk.RowsRead++;
        if (reader.RecordError is { } recordError)
        {
            chunk.Errors.Add(new BatchRowError(row, "", recordError));
            chunk.RowsRejected++;
            return;
        }

        if (reader.FieldCount != map.Headers.Length)
        {
            chunk.Errors.Add(new BatchRowError(row, "", $"expected {map.Headers.Length} fields like the header, found {reader.FieldCount}"));
            chunk.RowsRejected++;
            return;
        }

        var index = chunk.Count;
        var features = manifest.Features;
        var width = chunk.FeatureCount;
        var valid = true;
        for (var f = 0; f < features.Count; f++)
        {
            var column = map.FeatureColumns[f];
            var cell = column < 0 ? [] : reader.GetFieldUtf8(column);
            var reason = FeatureParser.Parse(features[f], plan.Categories[f], manifest.OutOfRange, cell, out var number, out var text);
            if (reason is not null)
            {
                chunk.Errors.Add(new BatchRowError(row, features[f].Name, reason));
                valid = false;
                continue;
            }

            chunk.Numbers[(index * width) + f] = number;
            if (chunk.Texts is not null)
            {
                chunk.Texts[(index * width) + f] = text;
            }
        }

        if (valid)
        {
            chunk.Commit(row, reader.RawRecordUtf8);
        }
        else
        {
            chunk.RowsRejected++;
        }
    }

    private static void WriteChunk(BatchChunk chunk, ModelManifest manifest, CsvWriter scored, CsvWriter errors)
    {
        var labels = manifest.Labels;
        var classes = chunk.ClassCount;
        for (var i = 0; i < chunk.Count; i++)
        {
            scored.WriteRawFields(chunk.Raw(i));
            if (manifest.IsClassifier)
            {
                var labelIndex = chunk.Scores.LabelIndex[i];
                scored.WriteField(labelIndex >= 0 ? labels[labelIndex] : chunk.Scores.LabelText[i]);
                for (var c = 0; c < classes; c++)
                {
                    scored.WriteField(chunk.Scores.Probabilities[(i * classes) + c]);
                }
            }
            else
            {
                // The value as the model computed it, in the digits HTTP returns: a float's shortest text ("143.89285")
                // would read back as a different double, up to 1e-5 off for values in the hundreds.
                scored.WriteField(chunk.Scores.Values[i]);
            }

            scored.EndRecord();
        }

        foreach (var error in chunk.Errors)
        {
            errors.WriteField(error.Row);
            errors.WriteField(error.Column);
            errors.WriteField(error.Reason);
            errors.EndRecord();
        }
    }
}
