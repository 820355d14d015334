using BenchmarkDotNet.Running;

// `--write-onnx-peer-model PATH` writes the dense model the Node.js peer (tests/peers/ort-node/bench.js) runs.
if (args is ["--write-onnx-peer-model", var peerModelPath])
{
    File.WriteAllBytes(peerModelPath, Shipyard.Tests.Onnx.Models.TestModels.DenseClassifier());
    return;
}

// `--onnx-latency` times single calls the way the Node.js peer does (median of per-call times), see docs/benchmarks.md.
if (args is ["--onnx-latency"])
{
    Shipyard.Benchmarks.Onnx.OnnxLatencyProbe.Run();
    return;
}

// `--predict-json [ROUNDS]`: per-call cost of reading the HTTP benchmark's predict body and writing its answer, see docs/benchmarks.md "HTTP".
if (args is ["--predict-json", ..])
{
    Shipyard.Benchmarks.Scoring.PredictBodyProbe.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200);
    return;
}

// `--batch-throughput FILE.csv [MODEL] [REPEAT]`: raw ORT vs the batch pipeline vs CSV parsing, see docs/benchmarks.md "Batch".
if (args is ["--batch-throughput", var batchCsv, ..])
{
    await Shipyard.Benchmarks.Batch.BatchThroughputProbe.RunAsync(batchCsv, args.Length > 2 ? args[2] : "diabetes", args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 3);
    return;
}

// `--file-store-commit`: what the embedded file store's one-rename commit costs, see docs/storage.md.
if (args is ["--file-store-commit"])
{
    await Shipyard.Benchmarks.Storage.FileStoreCommitProbe.RunAsync();
    return;
}

// `--evaluate ROWS`: time to evaluate ROWS predictions with outcomes, see docs/benchmarks.md "Evaluation".
if (args is ["--evaluate", var evaluateRows])
{
    Shipyard.Benchmarks.Monitoring.EvaluationProbe.Run(int.Parse(evaluateRows, System.Globalization.CultureInfo.InvariantCulture));
    return;
}

// `--evaluate-store ROWS`: the same from the prediction log and outcomes on the file store, see docs/benchmarks.md "Evaluation".
if (args is ["--evaluate-store", var storeRows])
{
    await Shipyard.Benchmarks.Monitoring.EvaluationStoreProbe.RunAsync(int.Parse(storeRows, System.Globalization.CultureInfo.InvariantCulture));
    return;
}

// `--batch-raw FILE.csv MODEL[:VERSION] [REPEAT]`: raw ORT alone (the batch yardstick), for tests/peers/batch/score-vs-raw.sh.
if (args is ["--batch-raw", var rawCsv, var rawModel, ..])
{
    await Shipyard.Benchmarks.Batch.BatchThroughputProbe.RunRawAsync(rawCsv, rawModel, args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 3);
    return;
}

// `--batch-storage-throughput FILE.csv [MODEL] [REPEAT]`: raw ORT vs file->file vs whole jobs on the file store and Azurite, see docs/benchmarks.md "Batch".
if (args is ["--batch-storage-throughput", var storageCsv, ..])
{
    await Shipyard.Benchmarks.Batch.BatchStorageThroughputProbe.RunAsync(storageCsv, args.Length > 2 ? args[2] : "diabetes", args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 3);
    return;
}

// `--batch-storage-memory FILE.csv [MODEL]`: peak RSS of one Azurite->Azurite batch job, see docs/benchmarks.md "Storage".
if (args is ["--batch-storage-memory", var memoryCsv, ..])
{
    await Shipyard.Benchmarks.Batch.BatchStorageThroughputProbe.RunMemoryAsync(memoryCsv, args.Length > 2 ? args[2] : "diabetes");
    return;
}

// `--stream-throughput APP_DIR [MESSAGES] [INSTANCES,...]`: queue scoring end to end on Azurite, see docs/benchmarks.md "Streaming".
if (args is ["--stream-throughput", var streamApp, ..])
{
    await Shipyard.Benchmarks.Streaming.StreamBenchmark.RunAsync(streamApp, args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1000, (args.Length > 3 ? args[3] : "1,32").Split(',').Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray());
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
