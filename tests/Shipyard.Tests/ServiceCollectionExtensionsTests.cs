using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Shipyard.Tests;

/// <summary>
/// <see cref="ServiceCollectionExtensions.AddShipyard"/> is what both hosts (the function app and the standalone
/// server) call at start: bad storage settings must stop it there, naming the setting and never the key.
/// </summary>
public sealed class ServiceCollectionExtensionsTests
{
    [Theory]
    [InlineData("AzureWebJobsStorage", "DefaultEndpointsProtocol=https;AccountName=shipyardsa;AccountKey=TOPSECRET*", "Setting AzureWebJobsStorage is not a usable storage connection string: Storage AccountKey is not valid base64.")]
    [InlineData("AzureWebJobsStorage:credential", "managedidentity", "Identity-based storage connection AzureWebJobsStorage needs AzureWebJobsStorage__accountName or AzureWebJobsStorage__blobServiceUri (found only: AzureWebJobsStorage__credential).")]
    public void AddShipyard_BadStorageSettings_ThrowsAtStartNamingTheSetting(string key, string value, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new(key, value)]).Build();

        var ex = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddShipyard(configuration));

        Assert.Equal(expected, ex.Message);
        Assert.DoesNotContain("TOPSECRET", ex.ToString(), StringComparison.Ordinal);
    }
}
