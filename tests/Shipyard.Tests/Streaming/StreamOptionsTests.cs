using Microsoft.Extensions.Configuration;
using Shipyard.Streaming;
using Xunit;

namespace Shipyard.Tests.Streaming;

/// <summary>Settings: the section, STREAM_MAX_DEQUEUE winning over it, and the bounds the queue service imposes.</summary>
public sealed class StreamOptionsTests
{
    private static StreamOptions Read(params (string Key, string Value)[] settings) =>
        StreamOptions.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(settings.ToDictionary(s => s.Key, s => (string?)s.Value)).Build());

    [Fact]
    public void NothingConfigured_DocumentedDefaults()
    {
        Assert.Equal(new StreamOptions(), Read());
        Assert.Equal(5, new StreamOptions().MaxDequeueCount);
        Assert.Equal(32, new StreamOptions().BatchSize);
    }

    [Fact]
    public void Section_ReadsEverySetting()
    {
        var options = Read(
            ("Shipyard:Streaming:MaxDequeueCount", "7"),
            ("Shipyard:Streaming:VisibilityTimeout", "00:02:00"),
            ("Shipyard:Streaming:RetryDelay", "00:00:05"),
            ("Shipyard:Streaming:BatchSize", "16"),
            ("Shipyard:Streaming:RetentionWindow", "1.00:00:00"),
            ("Shipyard:Streaming:PollerEnabled", "false"));

        Assert.Equal(new StreamOptions
        {
            MaxDequeueCount = 7,
            VisibilityTimeout = TimeSpan.FromMinutes(2),
            RetryDelay = TimeSpan.FromSeconds(5),
            BatchSize = 16,
            RetentionWindow = TimeSpan.FromDays(1),
            PollerEnabled = false,
        }, options);
    }

    [Fact]
    public void StreamMaxDequeue_WinsOverTheSection()
    {
        Assert.Equal(2, Read(("Shipyard:Streaming:MaxDequeueCount", "7"), ("STREAM_MAX_DEQUEUE", "2")).MaxDequeueCount);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("five")]
    [InlineData("2.5")]
    public void StreamMaxDequeue_NotAPositiveInteger_ErrorNamingTheSetting(string value)
    {
        var e = Assert.Throws<InvalidOperationException>(() => Read(("STREAM_MAX_DEQUEUE", value)));

        Assert.Equal($"STREAM_MAX_DEQUEUE is '{value}'; expected a positive integer (deliveries before a message is poisoned).", e.Message);
    }

    [Theory]
    [InlineData("0", 1)]
    [InlineData("1", 1)]
    [InlineData("32", 32)]
    [InlineData("64", 32)]
    public void BatchSize_ClampedToWhatOneReceiveCanReturn(string configured, int expected)
    {
        Assert.Equal(expected, Read(("Shipyard:Streaming:BatchSize", configured)).BatchSize);
    }
}
