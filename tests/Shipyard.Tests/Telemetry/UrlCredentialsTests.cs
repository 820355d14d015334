using System.Text;
using Shipyard.Telemetry;
using Xunit;

namespace Shipyard.Tests.Telemetry;

public sealed class UrlCredentialsTests
{
    [Theory]
    [InlineData("https://user:pa%40ss%3Aword@gpu.example/", "user:pa@ss:word")]
    [InlineData("https://user@gpu.example/", "user:")]
    public void BasicAuthorization_UserInformation_IsUnescapedBasicCredentials(string url, string credentials)
    {
        var header = UrlCredentials.BasicAuthorization(new Uri(url));

        Assert.Equal("Basic", header!.Scheme);
        Assert.Equal(credentials, Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter!)));
    }

    [Fact]
    public void BasicAuthorization_NoUserInformation_IsNull() =>
        Assert.Null(UrlCredentials.BasicAuthorization(new Uri("https://gpu.example/?sig=x")));
}
