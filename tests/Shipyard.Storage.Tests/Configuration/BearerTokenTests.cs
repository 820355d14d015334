using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Shipyard.Storage.Tests.Configuration;

/// <summary>
/// The identity path: a <see cref="TokenCredential"/> is asked for the Storage scope and the SDK clients send its
/// token as a bearer header. Azurite does not check OAuth, so a local HTTPS listener records what arrives (bearer
/// tokens are refused over plain http, as Azure Storage does).
/// </summary>
public sealed class BearerTokenTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<(string Method, string Path, string? Authorization, string? Version)> _requests = new();
    private WebApplication? _server;
    private Uri _endpoint = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(SelfSignedCertificate())));
        _server = builder.Build();
        _server.Run(context =>
        {
            _requests.Enqueue((context.Request.Method, context.Request.Path + context.Request.QueryString, context.Request.Headers.Authorization.ToString(), context.Request.Headers["x-ms-version"].ToString()));
            context.Response.StatusCode = context.Request.Method == "PUT" ? 201 : 404;
            return Task.CompletedTask;
        });
        await _server.StartAsync();
        var address = _server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        _endpoint = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/account");
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Credential_TokenForStorageScope_IsSentAsBearer_OnBlobAndQueueRequests()
    {
        var credential = new FakeCredential();
        var connection = StorageConnection.ForCredential(credential, _endpoint, _endpoint);

        var blobs = new AzureBlobStore(connection, TrustingOptions());
        var queues = new AzureMessageQueue(connection, TrustingOptions());
        Assert.True(await blobs.CreateContainerIfNotExistsAsync("models"));
        Assert.Null(await blobs.GetPropertiesAsync("models", "iris/1/model.json"));
        Assert.True(await queues.CreateQueueIfNotExistsAsync("score-requests"));

        Assert.Equal(3, _requests.Count);
        // Each client's pipeline caches its token until it nears expiry: one token request per client.
        Assert.Equal(["Bearer fake-token-1", "Bearer fake-token-1", "Bearer fake-token-2"], _requests.Select(r => r.Authorization));
        Assert.All(_requests, r => Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", r.Version)); // the SDK's service version
        Assert.Equal(["PUT /account/models?restype=container", "HEAD /account/models/iris/1/model.json", "PUT /account/score-requests"], _requests.Select(r => $"{r.Method} {r.Path}"));
        Assert.All(credential.Scopes, s => Assert.Equal(["https://storage.azure.com/.default"], s));
        Assert.Equal(2, credential.Scopes.Count);
    }

    [Theory]
    [InlineData("http://127.0.0.1:1/account", null)]
    [InlineData(null, "http://127.0.0.1:1/account")]
    public void Credential_OverPlainHttp_IsRefusedBeforeAnyRequest(string? blob, string? queue)
    {
        var ex = Assert.Throws<ArgumentException>(() => StorageConnection.ForCredential(new FakeCredential(), blob is null ? null : new Uri(blob), queue is null ? null : new Uri(queue)));

        Assert.Contains("Token authentication needs https", ex.Message, StringComparison.Ordinal);
    }

    private static StorageClientOptions TrustingOptions() => new()
    {
        MaxRetries = 0,
        Transport = new HttpClientTransport(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true }),
    };

    private static X509Certificate2 SelfSignedCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    private sealed class FakeCredential : TokenCredential
    {
        public ConcurrentBag<string[]> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Scopes.Add(requestContext.Scopes);
            return new AccessToken($"fake-token-{Scopes.Count}", DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
