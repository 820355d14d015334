using Shipyard.Telemetry;
using Xunit;

namespace Shipyard.Tests.Telemetry;

public sealed class UrlRedactionTests
{
    [Theory]
    [InlineData("https://gpu.example/", "https://gpu.example/")]
    [InlineData("https://user:pa%40ss@gpu.example:8443/?sig=abc&sv=2024", "https://***@gpu.example:8443/?sig=***&sv=***")]
    [InlineData("http://127.0.0.1:7071/api/models/x/predict?code=KEY&version=2#frag", "http://127.0.0.1:7071/api/models/x/predict?code=***&version=***")]
    [InlineData("https://hooks.example/hook?TOKEN&&a=", "https://hooks.example/hook?***&a=***")]
    [InlineData("/api/models?code=KEY", "/api/models?code=***")]
    public void Redact_MasksUserInformationAndQueryValues_KeepsTheEndpoint(string url, string expected) =>
        Assert.Equal(expected, UrlRedaction.Redact(new Uri(url, UriKind.RelativeOrAbsolute)));

    [Theory]
    [InlineData("https://hooks.example/services/T000/B000/XXXX", "https://hooks.example/***")]
    [InlineData("https://u:p@hooks.example/hook/secret?token=t", "https://***@hooks.example/***?token=***")]
    [InlineData("https://hooks.example/", "https://hooks.example/")]
    public void Redact_SecretPath_MasksThePathToo(string url, string expected) =>
        Assert.Equal(expected, UrlRedaction.Redact(new Uri(url), pathIsSecret: true));
}
