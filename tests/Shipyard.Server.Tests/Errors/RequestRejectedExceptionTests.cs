using Shipyard.Http.Errors;
using Shipyard.Server.Grpc;
using Xunit;

namespace Shipyard.Server.Tests.Errors;

/// <summary>An answer lists a bounded number of problems, however many a request has, over REST and over gRPC.</summary>
public sealed class RequestRejectedExceptionTests
{
    [Fact]
    public void Errors_PastTheLimit_FirstOnesAndANote()
    {
        var errors = Enumerable.Range(0, 5000).Select(i => $"inputs[{i}]: bad").ToList();

        var rejected = new RequestRejectedException(400, "One or more inputs are invalid.", errors);

        Assert.Equal(RequestRejectedException.MaxListedErrors + 1, rejected.Errors.Count);
        Assert.Equal("inputs[99]: bad", rejected.Errors[99]);
        Assert.Equal("…: more problems were found; the first 100 are listed.", rejected.Errors[^1]);
        Assert.DoesNotContain("inputs[100]", rejected.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_UpToTheLimit_AllListed()
    {
        var errors = Enumerable.Range(0, 100).Select(i => $"inputs[{i}]: bad").ToList();

        Assert.Equal(errors, new RequestRejectedException(400, "Invalid.", errors).Errors);
    }

    [Fact]
    public void GrpcStatusMessage_IsCutToItsLimit()
    {
        var detail = new string('x', 100_000);

        var status = GrpcProblemInterceptor.ToRpc(400, "Invalid.", detail).Status;

        Assert.Equal(global::Grpc.Core.StatusCode.InvalidArgument, status.StatusCode);
        Assert.Equal(GrpcProblemInterceptor.MaxMessageChars + 1, status.Detail.Length); // and the "…" that marks the cut
        Assert.EndsWith("x…", status.Detail, StringComparison.Ordinal);
    }
}
