using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Shipyard.Onnx.Tests.Models;

namespace Shipyard.Onnx.Tests;

[Collection(OrtLoggingTests.Name)]
public class OrtEnvironmentTests
{
    [Fact]
    public void Instance_LoadsOnnxRuntime130()
    {
        var environment = OrtEnvironment.Instance;

        Assert.StartsWith("1.30.", environment.Version, StringComparison.Ordinal);
        Assert.EndsWith("libonnxruntime.so.1", environment.LibraryPath, StringComparison.Ordinal);
        Assert.Contains("CPUExecutionProvider", environment.AvailableProviders);
        Assert.Same(environment, OrtEnvironment.Instance);
    }

    [Fact]
    public void OrtApi_StructLayout_HasOnePointerPerSlot()
    {
        // The generated struct must mirror all 426 slots of OrtApi v30, or every function pointer after a gap is wrong.
        Assert.Equal(426, Internals.OrtApi.SlotCount);
        unsafe
        {
            Assert.Equal(Internals.OrtApi.SlotCount * sizeof(nint), sizeof(Internals.OrtApi));
        }
    }

    [Fact]
    public void ConfigureLogging_Verbose_RoutesOrtMessagesToILogger()
    {
        var factory = new CapturingLoggerFactory();
        try
        {
            OrtEnvironment.Instance.ConfigureLogging(factory, OrtLogLevel.Verbose);
            Assert.Equal(OrtLogLevel.Verbose, OrtEnvironment.Instance.LogLevel);

            using var session = InferenceSession.Create(TestModels.Add(), new OrtSessionOptions { IntraOpThreads = 1, LogId = "log-routing-test" });

            var ortEntries = factory.Entries.Where(e => e.Category == OrtEnvironment.LogCategory).ToList();
            Assert.NotEmpty(ortEntries);
            Assert.Contains(ortEntries, e => e.Message.Contains("log-routing-test", StringComparison.Ordinal));
            Assert.Contains(ortEntries, e => e.Level is LogLevel.Trace or LogLevel.Information);
        }
        finally
        {
            OrtEnvironment.Instance.ConfigureLogging(NullLoggerFactory.Instance);
        }
    }

    [Fact]
    public void ConfigureLogging_Warning_DropsVerboseMessages()
    {
        var factory = new CapturingLoggerFactory();
        try
        {
            OrtEnvironment.Instance.ConfigureLogging(factory, OrtLogLevel.Warning);

            using var session = InferenceSession.Create(TestModels.Add(), new OrtSessionOptions { IntraOpThreads = 1, LogId = "quiet-test" });

            Assert.DoesNotContain(factory.Entries, e => e.Category == OrtEnvironment.LogCategory && e.Level < LogLevel.Warning);
        }
        finally
        {
            OrtEnvironment.Instance.ConfigureLogging(NullLoggerFactory.Instance);
        }
    }
}
