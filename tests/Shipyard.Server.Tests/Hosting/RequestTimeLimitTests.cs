using Shipyard.Testing;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Options;
using Shipyard.Server.Hosting;
using Shipyard.Http.Hosting;
using Shipyard.Server.Tests.Infrastructure;
using Xunit;

namespace Shipyard.Server.Tests.Hosting;

/// <summary>
/// Requests past their endpoint's time limit are cancelled and answered 503; uploads have their own, longer limit and
/// function invocations none. Slow requests are bodies that stall halfway (<see cref="StallingContent"/>), so whether
/// the answer came before the rest of the body is what is checked, not how long it took. The app runs as its own
/// process behind Kestrel: TestServer's client buffers a request body before the app sees any of it.
/// </summary>
public sealed class RequestTimeLimitTests : IClassFixture<RequestTimeLimitTests.App>
{
    private const string FunctionKey = "limits-function-key";
    private const string AdminKey = "limits-admin-key";
    private static readonly TimeSpan Stall = TimeSpan.FromSeconds(3);
    private readonly App _app;

    public RequestTimeLimitTests(App app)
    {
        _app = app;
    }

    [Fact]
    public async Task Predict_BodyStallsPastTheRequestTimeout_Is503ProblemWhileOthersAreServed()
    {
        var sample = SampleCases.Load("diabetes", "1").Cases[0];
        var body = await Json.Instances(sample.Instance).ReadAsByteArrayAsync();
        const string path = "/api/models/diabetes/versions/1/predict";
        using var client = _app.Client(FunctionKey);

        // Half the body, then silence: the answer must come while the rest is still owed.
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(_app.Process.BaseAddress.Host, _app.Process.BaseAddress.Port);
        var head = $"POST {path} HTTP/1.1\r\nHost: localhost\r\nx-functions-key: {FunctionKey}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(head).Concat(body.Take(body.Length / 2)).ToArray());
        using var meanwhile = await client.PostAsync(new Uri(path, UriKind.Relative), Json.Instances(sample.Instance));
        var answer = await ReadAnswerAsync(socket).WaitAsync(Stall);

        Assert.StartsWith("HTTP/1.1 503 Service Unavailable\r\n", answer, StringComparison.Ordinal);
        Assert.Contains("Content-Type: application/problem+json", answer, StringComparison.Ordinal);
        Assert.Contains("\"status\":503", answer, StringComparison.Ordinal);
        PredictionAssert.Equal(sample, (await HttpAssert.OkJsonAsync(meanwhile)).GetProperty("predictions")[0], "alongside the stalled request");
        Assert.Contains($"POST {path} exceeded its time limit of 00:00:00.3000000", _app.Process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("fail:", _app.Process.Output, StringComparison.Ordinal); // the server could drain what was left of the body
    }

    [Fact]
    public async Task Upload_BodyStallsPastTheRequestTimeout_IsReadToTheEndUnderTheUploadTimeout()
    {
        using var client = _app.Client(AdminKey);
        using var slow = new StallingContent(Encoding.ASCII.GetBytes("not a zip at all"), "application/zip");

        using var response = await client.PutAsync(new Uri("/api/admin/models/stalled/versions/1", UriKind.Relative), slow);

        Assert.True(slow.Finished);
        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("zip", problem.GetRawText(), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(0, 3000, 300)]     // request limit off: the upload limit sets the period
    [InlineData(-1, 0, 1000)]      // both off: the longest period, not the 10 ms floor
    [InlineData(200, 3000, 20)]
    public void Period_IsATenthOfTheShortestLimitThatIsOn(int requestMs, int uploadMs, int periodMs)
    {
        using var deadlines = new RequestDeadlines(Options.Create(new HttpServerOptions { RequestTimeout = TimeSpan.FromMilliseconds(requestMs), UploadTimeout = TimeSpan.FromMilliseconds(uploadMs) }));

        Assert.Equal(TimeSpan.FromMilliseconds(periodMs), deadlines.Period);
    }

    [Fact]
    public async Task Deadlines_ClientGoneAway_CancelsWithinASweepWithoutCallingItATimeout()
    {
        using var deadlines = new RequestDeadlines(Options.Create(new HttpServerOptions { RequestTimeout = TimeSpan.FromMilliseconds(200) }));
        using var client = new CancellationTokenSource();
        var gone = deadlines.Start(TimeSpan.FromMinutes(1), client.Token);
        var late = deadlines.Start(TimeSpan.FromMilliseconds(100), CancellationToken.None);
        var finished = deadlines.Start(TimeSpan.FromMilliseconds(100), CancellationToken.None);
        deadlines.Finish(finished);

        await client.CancelAsync();
        await Task.WhenAll(Cancelled(gone.Token), Cancelled(late.Token)).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(TimeSpan.FromMilliseconds(20), deadlines.Period);
        Assert.False(gone.TimedOut);
        Assert.True(late.TimedOut);
        await Task.Delay(deadlines.Period * 10);
        Assert.False(finished.IsCancellationRequested, "a finished request was still swept");
        deadlines.Finish(gone);
        deadlines.Finish(late); // finishing what the sweeper already removed is harmless
    }

    // What the server sent until it paused for 0.5 s (the whole 503: status line, headers and problem body).
    private static async Task<string> ReadAnswerAsync(Socket socket)
    {
        var answer = new StringBuilder();
        var buffer = new byte[4096];
        while (true)
        {
            using var quiet = new CancellationTokenSource(answer.Length == 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(500));
            try
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, quiet.Token);
                if (read == 0)
                {
                    return answer.ToString();
                }

                answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
            catch (OperationCanceledException)
            {
                return answer.ToString();
            }
        }
    }

    private static Task Cancelled(CancellationToken token) => Task.Delay(Timeout.Infinite, token).ContinueWith(_ => { }, TaskScheduler.Default);

    /// <summary>The built app on a free port with a 0.3 s request limit and a 1 min upload limit.</summary>
    public sealed class App : IAsyncLifetime
    {
        private static readonly int Port = LoopbackPorts.Free();

        public AppProcess Process { get; } = AppProcess.Start(
            new Uri($"http://127.0.0.1:{Port}"),
            new Dictionary<string, string?>
            {
                ["Shipyard__Auth__FunctionKeys__0"] = FunctionKey,
                ["Shipyard__Auth__AdminKey"] = AdminKey,
                ["Shipyard__Http__RequestTimeout"] = "00:00:00.3",
                ["Shipyard__Http__UploadTimeout"] = "00:01:00",
            },
            "--urls",
            $"http://127.0.0.1:{Port}");

        public HttpClient Client(string key)
        {
            var client = new HttpClient { BaseAddress = Process.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
            client.DefaultRequestHeaders.Add("x-functions-key", key);
            return client;
        }

        public async Task InitializeAsync()
        {
            using var client = Client(FunctionKey);
            await Process.WaitUntilReadyAsync(client, TimeSpan.FromSeconds(60));
        }

        public Task DisposeAsync() => Process.DisposeAsync().AsTask();
    }

    /// <summary>Sends the first half of a body, waits <see cref="Stall"/>, then sends the rest.</summary>
    private sealed class StallingContent : HttpContent
    {
        private readonly byte[] _body;

        public StallingContent(byte[] body, string contentType)
        {
            _body = body;
            Headers.ContentType = new(contentType);
        }

        public bool Finished { get; private set; }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var half = _body.Length / 2;
            await stream.WriteAsync(_body.AsMemory(0, half));
            await stream.FlushAsync();
            await Task.Delay(Stall);
            Finished = true;
            await stream.WriteAsync(_body.AsMemory(half));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _body.Length;
            return true;
        }
    }
}
