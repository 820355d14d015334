using System.Buffers;
using System.Text;
using System.Text.Json;
using Shipyard.Models;
using Shipyard.Scoring;
using Shipyard.Testing;
using Shipyard.Tests.Models;
using Xunit;

namespace Shipyard.Tests.Scoring;

/// <summary>The predict fast path must build exactly the validator's batch, and give up on everything else.</summary>
public class InstanceReaderTests
{
    private static readonly ModelManifest Toy = TestManifests.Parse(TestManifests.Classifier());
    private static readonly ScoringLimits Limits = new();

    [Theory]
    [MemberData(nameof(SampleData.Packages), MemberType = typeof(SampleData))]
    public void TryRead_EverySampleOfEveryModel_GivesTheValidatorsBatch(string model, string version)
    {
        var manifest = ModelManifest.Parse(File.ReadAllBytes(Path.Combine(RepoPaths.Models, model, version, "model.json")));
        var instances = SampleData.Load(model, version).Instances();

        var batch = InstanceReader.TryRead(manifest, Body($$"""{"instances":{{instances.GetRawText()}}}"""), Limits, 10_000, 64);

        AssertSame(InstanceValidator.Validate(manifest, instances), batch);
    }

    [Theory]
    [InlineData("""[{"a":1.5,"b":2,"c":"x"}]""")]
    [InlineData("""[{"a":0,"b":-3}]""")] // the optional string left out
    [InlineData("""[{"a":10,"b":9007199254740993,"c":"y"},{"a":2.5e-3,"b":0}]""")] // bounds are inclusive; a long past 2^53 stays exact
    [InlineData(" \t\r\n[ { \"a\" : 1 , \"b\" : 2 , \"c\" : \"x\" } ]\r\n")] // every kind of white space
    [InlineData("""[{"a":-0.0,"b":-0,"c":"été"},{"a":1E1,"b":0}]""")] // signed zeros, an exponent, non-ASCII text
    [InlineData("""[{"a":11,"b":1,"c":"z"},{"a":-1,"b":1}]""")] // outside the range and categories: kept and counted (outOfRange allow)
    public void TryRead_UsualBody_GivesTheValidatorsBatch(string instances)
    {
        var batch = InstanceReader.TryRead(Toy, Body($$"""{"instances":{{instances}}}"""), Limits, 10_000, 64);

        AssertSame(InstanceValidator.Validate(Toy, JsonDocument.Parse(instances).RootElement), batch);
    }

    [Theory]
    [InlineData("""{"instances":[{"b":2,"a":1}]}""")] // valid, but out of manifest order: the validator reads it
    [InlineData("""{"instances":[{"a":1,"b":2,"c":null}]}""")] // valid null for an optional feature: likewise
    [InlineData("""{"instances":[{"a":1,"b":3.0}]}""")] // an integer written as 3.0: likewise
    [InlineData("""{"instances":[{"a":1,"b":1,"zz":3}]}""")] // unknown feature
    [InlineData("""{"instances":[{"a":1}]}""")] // required feature missing
    [InlineData("""{"instances":[{"a":1,"a":2,"b":1}]}""")] // given twice
    [InlineData("""{"instances":[{"a":"1","b":1}]}""")] // wrong type
    [InlineData("""{"instances":[{"a":1e39,"b":1}]}""")] // beyond float32
    [InlineData("""{"instances":[{"a":1,"b":1,"c":"\ud800"}]}""")] // lone surrogate
    [InlineData("""{"instances":[{"a":1,"b":1},5]}""")] // not an object
    [InlineData("""{"instances":[]}""")]
    [InlineData("""{"instances":{"a":1}}""")]
    [InlineData("""{"instances":[{"a":1,"b":1}],"extra":1}""")] // the envelope has one field
    [InlineData("""{"extra":1,"instances":[{"a":1,"b":1}]}""")]
    [InlineData("""{"instances":[{"a":1,"b":1}]} x""")] // trailing content
    [InlineData("""{"instances":[{"a":1,"b":1}]""")] // truncated
    [InlineData("""{"instances":[{"a":NaN,"b":1}]}""")]
    [InlineData("""[{"a":1,"b":1}]""")]
    [InlineData("")]
    [InlineData("""{"instances":[{"\u0061":1,"b":2}]}""")] // escapes (valid): the full parse reads them
    [InlineData("""{"instances":[{"a":1,"b":2,"c":"\u0078"}]}""")]
    [InlineData("""{"\u0069nstances":[{"a":1,"b":2}]}""")]
    [InlineData("""{"instances":[{"a":01,"b":1}]}""")] // not JSON numbers
    [InlineData("""{"instances":[{"a":1.,"b":1}]}""")]
    [InlineData("""{"instances":[{"a":.5,"b":1}]}""")]
    [InlineData("""{"instances":[{"a":+1,"b":1}]}""")]
    [InlineData("""{"instances":[{"a":-,"b":1}]}""")]
    [InlineData("""{"instances":[{"a":1e,"b":1}]}""")]
    [InlineData("""{"instances":[{"a":1,"b":1x}]}""")]
    [InlineData("""{"instances":[{"a":1,"b":1,}]}""")] // trailing commas
    [InlineData("""{"instances":[{"a":1,"b":1},]}""")]
    [InlineData("""{"instances":[{"a":1,"b":1}] /* comment */}""")]
    [InlineData("{\"instances\":[{\"a\":1,\"b\":1,\"c\":\"a\tb\"}]}")] // a raw control character in a string
    [InlineData("""{"instances":[{"a":1,"b":1,"c":"x""}]}""")]
    [InlineData("""{"instances":[{"a":1,"b":1,"c":x}]}""")]
    [InlineData("""{"instances":[{"a":true,"b":1}]}""")]
    [InlineData("""{"instances":[{"a":1,"b":1,"c":["x"]}]}""")]
    public void TryRead_AnythingElse_GivesUp(string body)
    {
        Assert.Null(InstanceReader.TryRead(Toy, Body(body), Limits, 10_000, 64));
    }

    [Theory]
    [InlineData("""{"instances":[{"a":11,"b":1}]}""")]
    [InlineData("""{"instances":[{"a":1,"b":1,"c":"z"}]}""")]
    public void TryRead_OutsideTheRangeWhenTheManifestRejects_GivesUp(string body)
    {
        var json = TestManifests.Classifier();
        json["outOfRange"] = "reject";

        Assert.Null(InstanceReader.TryRead(TestManifests.Parse(json), Body(body), Limits, 10_000, 64));
    }

    [Fact]
    public void TryRead_BeyondTheLimits_GivesUp()
    {
        var body = Body("""{"instances":[{"a":1,"b":1},{"a":2,"b":2},{"a":3,"b":3}]}""");

        Assert.NotNull(InstanceReader.TryRead(Toy, body, Limits, maxInstances: 3, maxDepth: 64));
        Assert.Null(InstanceReader.TryRead(Toy, body, Limits, maxInstances: 2, maxDepth: 64));
        Assert.Null(InstanceReader.TryRead(Toy, body, new ScoringLimits { MaxInstances = 2 }, maxInstances: 3, maxDepth: 64));
        Assert.Null(InstanceReader.TryRead(Toy, body, Limits, maxInstances: 3, maxDepth: 2));
        Assert.Null(InstanceReader.TryRead(Toy, Body("""{"instances":[{"a":1,"b":1,"c":"xx"}]}"""), new ScoringLimits { MaxStringLength = 1 }, 3, 64));
    }

    [Fact]
    public void TryRead_InvalidUtf8InAString_GivesUp()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"instances":[{"a":1,"b":1,"c":"x?"}]}""");
        bytes[Array.IndexOf(bytes, (byte)'?')] = 0xC3; // a lead byte with no continuation

        Assert.Null(InstanceReader.TryRead(Toy, new ReadOnlySequence<byte>(bytes), Limits, 10_000, 64));
    }

    [Fact]
    public void TryRead_BodySplitAcrossBuffers_ReadsAllOfIt()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"instances":[{"a":1.25,"b":7,"c":"y"},{"a":3.5,"b":8}]}""");
        var split = Segments(bytes, 5);

        var batch = InstanceReader.TryRead(Toy, split, Limits, 10_000, 64);

        Assert.False(split.IsSingleSegment);
        AssertSame(InstanceValidator.Validate(Toy, JsonDocument.Parse(bytes).RootElement.GetProperty("instances")), batch);
    }

    private static ReadOnlySequence<byte> Body(string json) => new(Encoding.UTF8.GetBytes(json));

    // The bytes cut every `size` bytes (numbers and names straddle the cuts), as a socket may deliver them.
    private static ReadOnlySequence<byte> Segments(byte[] bytes, int size)
    {
        Segment? first = null, last = null;
        for (var i = 0; i < bytes.Length; i += size)
        {
            var next = new Segment(bytes.AsMemory(i, Math.Min(size, bytes.Length - i)), i);
            first ??= next;
            last?.SetNext(next);
            last = next;
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private static void AssertSame(FeatureBatch expected, FeatureBatch? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected.OutOfRangeCount, actual.OutOfRangeCount);
        for (var r = 0; r < expected.Count; r++)
        {
            for (var f = 0; f < expected.Manifest.Features.Count; f++)
            {
                Assert.Equal(expected.IsPresent(r, f), actual.IsPresent(r, f));
                switch (expected.Manifest.Features[f].Type)
                {
                    case FeatureType.Float:
                        Assert.Equal(expected.GetNumber(r, f), actual.GetNumber(r, f));
                        break;
                    case FeatureType.Int:
                        Assert.Equal(expected.GetInteger(r, f), actual.GetInteger(r, f));
                        break;
                    default:
                        Assert.Equal(expected.GetString(r, f), actual.GetString(r, f));
                        break;
                }
            }
        }
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public void SetNext(Segment next) => Next = next;
    }
}
