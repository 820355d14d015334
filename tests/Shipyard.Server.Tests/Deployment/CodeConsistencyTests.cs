using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit;

namespace Shipyard.Server.Tests.Deployment;

/// <summary>
/// What the code reads and names (settings, containers, queues, option properties) is what infra/ provisions and
/// local.settings.sample.json declares. Read from the C# sources, so a new setting or container cannot ship without
/// its Bicep and local default.
/// </summary>
public sealed partial class CodeConsistencyTests
{
    // Set by the platform, never by us.
    private static readonly HashSet<string> PlatformSettings = new(StringComparer.Ordinal)
    {
        "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT", "WEBSITE_HOSTNAME", "WEBSITE_INSTANCE_ID",
        "CONTAINER_APP_NAME", "CONTAINER_APP_REPLICA_NAME", "HOSTNAME",
    };

    private static IEnumerable<(string File, string Text)> Sources() =>
        Directory.EnumerateFiles(Path.Combine(DeploymentFiles.Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}Shipyard.Cli{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => (Path.GetRelativePath(DeploymentFiles.Root, f), File.ReadAllText(f)));

    private static async Task<HashSet<string>> FunctionAppSettingsAsync() =>
        (await AzdProvision.DefaultAsync()).FunctionAppSettings.Select(p => p.Key).ToHashSet(StringComparer.Ordinal);

    private static HashSet<string> LocalSettings() =>
        JsonNode.Parse(DeploymentFiles.Read(DeploymentFiles.LocalSettingsSample))!["Values"]!.AsObject().Select(p => p.Key).ToHashSet(StringComparer.Ordinal);

    [Fact]
    public async Task SettingsTheCodeReadsByName_AreSetInBicepAndLocalSettings()
    {
        var reads = Sources().SelectMany(s => SettingReadPattern().Matches(s.Text).Select(m => (s.File, Name: m.Groups["name"].Value)))
            .Where(r => !PlatformSettings.Contains(r.Name)).ToList();
        var azure = await FunctionAppSettingsAsync();
        var local = LocalSettings();

        Assert.NotEmpty(reads);
        Assert.All(reads, r =>
        {
            Assert.True(azure.Contains(r.Name), $"{r.File} reads {r.Name}, which infra/modules/functionapp.bicep does not set");
            Assert.True(local.Contains(r.Name), $"{r.File} reads {r.Name}, which local.settings.sample.json does not set");
        });
    }

    [Fact]
    public async Task ShipyardSettingsInBicep_BindToOptionPropertiesThatExist()
    {
        var properties = Sources().SelectMany(s => PropertyPattern().Matches(s.Text).Select(m => m.Groups["name"].Value)).ToHashSet(StringComparer.Ordinal);
        var gpu = (await AzdProvision.DefaultAsync()).GpuAppEnvironment.Keys;
        var names = (await FunctionAppSettingsAsync()).Concat(LocalSettings()).Concat(gpu)
            .Where(n => n.StartsWith("Shipyard__", StringComparison.Ordinal)).Distinct().ToList();

        Assert.NotEmpty(names);
        Assert.All(names, name =>
        {
            var property = name.Split("__").Last(p => !p.All(char.IsAsciiDigit));
            Assert.True(properties.Contains(property), $"{name}: no option property '{property}' in src/");
        });
    }

    [Fact]
    public async Task ContainersAndQueuesTheCodeNames_AreCreatedByBicep()
    {
        var deployment = await AzdProvision.DefaultAsync();
        var created = deployment.ChildNames("Microsoft.Storage/storageAccounts/blobServices/containers")
            .Concat(deployment.ChildNames("Microsoft.Storage/storageAccounts/queueServices/queues")).ToHashSet(StringComparer.Ordinal);
        var named = Sources().SelectMany(s => StorageNamePattern().Matches(s.Text).Select(m => (s.File, Name: m.Groups["name"].Value))).ToList();

        Assert.NotEmpty(named);
        Assert.All(named, n => Assert.True(created.Contains(n.Name), $"{n.File} uses '{n.Name}', which infra/modules/storage.bicep does not create"));
    }

    // configuration["NAME"], GetEnvironmentVariable("NAME"), or a constant naming it (const string XSetting = "NAME").
    [GeneratedRegex(@"(?:\[\s*|GetEnvironmentVariable\(\s*|const\s+string\s+\w*Setting\s*=\s*)""(?<name>[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)""")]
    private static partial Regex SettingReadPattern();

    [GeneratedRegex(@"public\s+[^=;{}()]+?\s+(?<name>[A-Z][A-Za-z0-9]*)\s*\{\s*get;")]
    private static partial Regex PropertyPattern();

    // const string InputContainer = "batch-in"; const string PoisonQueue = "score-requests-poison"
    [GeneratedRegex(@"const\s+string\s+\w*(?:Container|Queue)\w*\s*=\s*""(?<name>[a-z0-9][a-z0-9-]{1,61}[a-z0-9])""")]
    private static partial Regex StorageNamePattern();
}
