using BenchmarkDotNet.Running;

// `--write-onnx-peer-model PATH` writes the dense model the Node.js peer (tests/peers/ort-node/bench.js) runs.
if (args is ["--write-onnx-peer-model", var peerModelPath])
{
    File.WriteAllBytes(peerModelPath, Shipyard.Onnx.Tests.Models.TestModels.DenseClassifier());
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
