using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace Shipyard.Storage.Tests.Configuration;

public sealed class StorageConnectionTests
{
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    [Fact]
    public void Parse_UseDevelopmentStorage_PointsAtAzuriteDefaults()
    {
        var connection = StorageConnection.Parse("UseDevelopmentStorage=true");

        Assert.Equal(new Uri("http://127.0.0.1:10000/devstoreaccount1"), connection.BlobEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:10001/devstoreaccount1"), connection.QueueEndpoint);
        Assert.Equal("devstoreaccount1", connection.AccountName);
        Assert.True(connection.UsesSharedKey);
    }

    [Fact]
    public void Parse_AccountAndSuffix_BuildsServiceEndpoints()
    {
        var connection = StorageConnection.Parse($"DefaultEndpointsProtocol=https;AccountName=shipyard;AccountKey={Key};EndpointSuffix=core.chinacloudapi.cn");

        Assert.Equal(new Uri("https://shipyard.blob.core.chinacloudapi.cn"), connection.BlobEndpoint);
        Assert.Equal(new Uri("https://shipyard.queue.core.chinacloudapi.cn"), connection.QueueEndpoint);
    }

    [Fact]
    public void Parse_ExplicitEndpoints_WinOverAccountName()
    {
        var connection = StorageConnection.Parse($"AccountName=devstoreaccount1;AccountKey={Key};BlobEndpoint=http://127.0.0.1:5555/devstoreaccount1/;QueueEndpoint=http://127.0.0.1:5556/devstoreaccount1");

        Assert.Equal(new Uri("http://127.0.0.1:5555/devstoreaccount1"), connection.BlobEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:5556/devstoreaccount1"), connection.QueueEndpoint);
    }

    [Theory]
    [InlineData("AccountName=a", "missing: AccountKey")]
    [InlineData("AccountKey=abc", "missing: AccountName")]
    [InlineData("BlobEndpoint=https://x;SharedAccessSignature=sv=1&sig=2", "SharedAccessSignature are not supported")]
    [InlineData("garbage", "without 'name=value'")]
    public void Parse_Incomplete_ThrowsNamingWhatIsMissing(string connectionString, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => StorageConnection.Parse(connectionString));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BadKey_DoesNotEchoTheKey()
    {
        var ex = Assert.Throws<ArgumentException>(() => StorageConnection.Parse("AccountName=a;AccountKey=not*base64*secret"));

        Assert.DoesNotContain("secret", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AccountKey is not valid base64", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", StorageConnection.Parse($"AccountName=a;AccountKey={Key}").ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void FromConfiguration_IdentitySection_UsesDefaultCredentialAndAccountEndpoints()
    {
        var connection = StorageConnection.FromConfiguration(Config(("AzureWebJobsStorage:accountName", "shipyardsa")));

        Assert.NotNull(connection);
        Assert.IsType<DefaultAzureCredential>(connection.Credential);
        Assert.False(connection.UsesSharedKey);
        Assert.Equal(new Uri("https://shipyardsa.blob.core.windows.net"), connection.BlobEndpoint);
        Assert.Equal(new Uri("https://shipyardsa.queue.core.windows.net"), connection.QueueEndpoint);
    }

    [Fact]
    public void FromConfiguration_ManagedIdentityWithClientId_UsesManagedIdentityCredential()
    {
        var connection = StorageConnection.FromConfiguration(Config(
            ("AzureWebJobsStorage:blobServiceUri", "https://custom.example/blob"),
            ("AzureWebJobsStorage:queueServiceUri", "https://custom.example/queue"),
            ("AzureWebJobsStorage:credential", "managedidentity"),
            ("AzureWebJobsStorage:clientId", "00000000-0000-0000-0000-000000000001")));

        Assert.IsType<ManagedIdentityCredential>(connection!.Credential);
        Assert.Equal(new Uri("https://custom.example/blob"), connection.BlobEndpoint);
        Assert.Equal(new Uri("https://custom.example/queue"), connection.QueueEndpoint);
    }

    [Fact]
    public void FromConfiguration_IdentitySectionWithoutAccountOrUri_ThrowsNamingTheSettings()
    {
        var ex = Assert.Throws<ArgumentException>(() => StorageConnection.FromConfiguration(Config(("AzureWebJobsStorage:credential", "managedidentity"))));

        Assert.Contains("AzureWebJobsStorage__accountName", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromConfiguration_StringWinsOverSection_AndConnectionStringsIsTheFallback()
    {
        var fromString = StorageConnection.FromConfiguration(Config(("AzureWebJobsStorage", "UseDevelopmentStorage=true")));
        var fromConnectionStrings = StorageConnection.FromConfiguration(Config(("ConnectionStrings:AzureWebJobsStorage", "UseDevelopmentStorage=true")));
        var none = StorageConnection.FromConfiguration(Config());

        Assert.True(fromString!.UsesSharedKey);
        Assert.True(fromConnectionStrings!.UsesSharedKey);
        Assert.Null(none);
    }

    [Theory]
    [InlineData("AzureWebJobsStorage", "AzureWebJobsStorage", "AccountName=shipyard;AccountKey=not*base64*SECRET", "AccountKey is not valid base64")]
    [InlineData("AzureWebJobsStorage", "AzureWebJobsStorage", "AccountName=shipyard;SECRET", "without 'name=value'")]
    [InlineData("AzureWebJobsStorage", "AzureWebJobsStorage", "AccountKey=SECRETSECRET", "missing: AccountName")]
    [InlineData("ConnectionStrings:AzureWebJobsStorage", "ConnectionStrings__AzureWebJobsStorage", "AccountName=shipyard;AccountKey=SECRET==;BlobEndpoint=::", "BlobEndpoint is not an absolute URI")]
    public void FromConfiguration_MalformedConnectionString_NamesTheSettingAndNeverTheKey(string key, string setting, string value, string problem)
    {
        var ex = Assert.Throws<ArgumentException>(() => StorageConnection.FromConfiguration(Config((key, value))));

        Assert.StartsWith($"Setting {setting} is not a usable storage connection string: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", ex.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("accountName", "Shipyard_SA", "Setting AzureWebJobsStorage__accountName is 'Shipyard_SA'; a storage account name is 3-24 lowercase letters and digits.")]
    [InlineData("blobServiceUri", "http://shipyardsa.blob.core.windows.net", "Setting AzureWebJobsStorage__blobServiceUri must be an absolute https URI (a bearer token is never sent in clear text).")]
    [InlineData("blobServiceUri", "not a uri", "Setting AzureWebJobsStorage__blobServiceUri must be an absolute https URI (a bearer token is never sent in clear text).")]
    [InlineData("clientId", "00000000-0000-0000-0000-000000000001", "Identity-based storage connection AzureWebJobsStorage needs AzureWebJobsStorage__accountName or AzureWebJobsStorage__blobServiceUri (found only: AzureWebJobsStorage__clientId).")]
    public void FromConfiguration_BadIdentitySetting_ThrowsNamingIt(string key, string value, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => StorageConnection.FromConfiguration(Config(($"AzureWebJobsStorage:{key}", value))));

        Assert.Equal(expected, ex.Message);
    }

    [Fact]
    public void FromConfiguration_QueueServiceUriNotHttps_ThrowsNamingIt()
    {
        var ex = Assert.Throws<ArgumentException>(() => StorageConnection.FromConfiguration(Config(
            ("AzureWebJobsStorage:blobServiceUri", "https://shipyardsa.blob.core.windows.net"),
            ("AzureWebJobsStorage:queueServiceUri", "http://shipyardsa.queue.core.windows.net"))));

        Assert.Contains("AzureWebJobsStorage__queueServiceUri must be an absolute https URI", ex.Message, StringComparison.Ordinal);
    }

    internal static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build();
}
