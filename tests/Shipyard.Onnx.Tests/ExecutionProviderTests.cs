using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Shipyard.Onnx.Tests.Models;

namespace Shipyard.Onnx.Tests;

/// <summary>This machine has no CUDA (and the npm ORT build ships no CUDA provider library): both policies are exercised for real.</summary>
[Collection(OrtLoggingTests.Name)]
public class ExecutionProviderTests
{
    [Fact]
    public void Cuda_Require_FailsNamingTheMissingProviderLibrary()
    {
        var options = new OrtSessionOptions { ExecutionProvider = ExecutionProvider.Cuda, DevicePolicy = DevicePolicy.Require };

        var error = Assert.Throws<OnnxRuntimeException>(() => InferenceSession.Create(TestModels.DenseClassifier(), options));

        Assert.Equal(OrtErrorCode.EpFail, error.ErrorCode);
        Assert.Contains("libonnxruntime_providers_cuda.so", error.Message, StringComparison.Ordinal);
        Assert.Contains("DevicePolicy.Require", error.Message, StringComparison.Ordinal);
        Assert.IsType<OnnxRuntimeException>(error.InnerException);
    }

    [Fact]
    public void Cuda_Require_CorruptModel_ReportsTheModelErrorNotTheDevice()
    {
        // The provider fails first here (no CUDA), but a broken model must still be reported when the CPU retry also fails.
        var options = new OrtSessionOptions { ExecutionProvider = ExecutionProvider.Cuda, DevicePolicy = DevicePolicy.PreferGpu };

        var error = Assert.Throws<OnnxRuntimeException>(() => InferenceSession.Create("not a model"u8, options));

        Assert.Equal(OrtErrorCode.InvalidProtobuf, error.ErrorCode);
    }

    [Fact]
    public void Cuda_PreferGpu_FallsBackToCpuWithAWarning()
    {
        var factory = new CapturingLoggerFactory();
        try
        {
            OrtEnvironment.Instance.ConfigureLogging(factory, OrtLogLevel.Error);
            var options = new OrtSessionOptions { ExecutionProvider = ExecutionProvider.Cuda, DevicePolicy = DevicePolicy.PreferGpu, IntraOpThreads = 1 };

            using var session = InferenceSession.Create(TestModels.DenseClassifier(), options);

            Assert.Equal(ExecutionProvider.Cpu, session.ExecutionProvider);
            var warning = Assert.Single(factory.Entries, e => e.Level == LogLevel.Warning && e.Category == typeof(InferenceSession).FullName);
            Assert.Contains("libonnxruntime_providers_cuda.so", warning.Message, StringComparison.Ordinal);
            Assert.Contains("Falling back to the CPU", warning.Message, StringComparison.Ordinal);

            var x = InferenceSessionTests.Features(1, seed: 5);
            using var input = OrtValue.CreateTensor<float>(x, [1, TestModels.DenseFeatures]);
            using var results = session.Run([new NamedOrtValue("x", input)]);
            Assert.Equal(TestModels.DenseExpected(x, 1)[0].Label, results["label"].GetTensorData<long>()[0]);
        }
        finally
        {
            OrtEnvironment.Instance.ConfigureLogging(NullLoggerFactory.Instance);
        }
    }
}
