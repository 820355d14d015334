using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit;

namespace Shipyard.Functions.Tests.Deployment;

/// <summary>
/// Static checks of infra/ (no Bicep CLI here; CI runs `az bicep build`/`lint`): the files are well formed, settings,
/// storage names, Event Grid wiring and alert queries agree with the app's contracts and with each other.
/// </summary>
public sealed partial class InfraTests
{
    // Settings in local.settings.sample.json that have no app-setting twin in Azure, and why.
    private static readonly Dictionary<string, string> LocalOnlySettings = new(StringComparer.Ordinal)
    {
        ["FUNCTIONS_WORKER_RUNTIME"] = "Flex Consumption takes the runtime from functionAppConfig.runtime and rejects this setting",
        ["AzureWebJobsStorage"] = "the connection-string form is for Azurite; Azure uses the identity-based AzureWebJobsStorage__* settings",
    };

    // App settings in Azure that local.settings.sample.json does not need, and why.
    private static readonly Dictionary<string, string> AzureOnlySettings = new(StringComparer.Ordinal)
    {
        ["AzureWebJobsStorage__accountName"] = "identity-based host storage",
        ["AzureWebJobsStorage__credential"] = "identity-based host storage",
        ["AzureWebJobsStorage__clientId"] = "identity-based host storage (user-assigned identity)",
        ["AZURE_CLIENT_ID"] = "Azure.Identity picks the user-assigned identity from it",
        ["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"] = "the Functions host sends telemetry with Entra ID",
    };

    // Settings only the function app needs: it is the one that forwards cuda predictions to the GPU app.
    private static readonly string[] FunctionAppOnlySettings =
        ["GPU_APP_URL", "GPU_APP_KEY", "APPLICATIONINSIGHTS_AUTHENTICATION_STRING", "AzureFunctionsJobHost__extensions__queues__maxDequeueCount"];

    // DESIGN.md §3 Storage (containers) and the team contract (queues).
    private static readonly string[] AppContainers = ["models", "batch-in", "batch-out", "prediction-logs", "drift-reports"];
    private static readonly string[] AppQueues = ["retrain-requests", "score-requests", "score-requests-poison", "score-results"];

    private static readonly string[] RuntimeKeys = ["name", "version"];

    public static TheoryData<string> BicepFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(DeploymentFiles.Infra, "*.bicep", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(DeploymentFiles.Infra, file));
        }

        return data;
    }

    private static HashSet<string> LocalSettingNames() =>
        JsonNode.Parse(DeploymentFiles.Read(DeploymentFiles.LocalSettingsSample))!["Values"]!.AsObject()
            .Select(p => p.Key).ToHashSet(StringComparer.Ordinal);

    private static HashSet<string> FunctionAppSettingNames() =>
        BicepFile.Load(DeploymentFiles.Module("functionapp")).Block("var appSettings = {").TopLevelKeys().ToHashSet(StringComparer.Ordinal);

    private static HashSet<string> GpuAppEnvironmentNames() =>
        EnvNamePattern().Matches(BicepFile.Load(DeploymentFiles.Module("gpu")).Block("env: [").Text)
            .Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void BicepFile_IsLexicallyWellFormed(string relativePath)
    {
        var file = BicepFile.Load(Path.Combine(DeploymentFiles.Infra, relativePath));

        Assert.Empty(file.Problems);
    }

    [Fact]
    public void BicepFile_UnbalancedBracket_IsReported()
    {
        var file = BicepFile.Parse("broken.bicep", "var a = {\n  b: '${c}'\n  d: [\n}\n");

        Assert.Contains("broken.bicep:4: '}' closes '[' opened on line 3", file.Problems);
    }

    [Fact]
    public void FunctionAppSettings_MatchLocalSettingsSample()
    {
        var azure = FunctionAppSettingNames().Except(AzureOnlySettings.Keys).Order(StringComparer.Ordinal).ToList();
        var local = LocalSettingNames().Except(LocalOnlySettings.Keys).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(local, azure);
        Assert.Subset(FunctionAppSettingNames().ToHashSet(), AzureOnlySettings.Keys.ToHashSet());
    }

    [Fact]
    public void QueueRetryLimitOfTheHost_FollowsStreamMaxDequeue()
    {
        var values = JsonNode.Parse(DeploymentFiles.Read(DeploymentFiles.LocalSettingsSample))!["Values"]!;

        Assert.Equal((string?)values["STREAM_MAX_DEQUEUE"], (string?)values["AzureFunctionsJobHost__extensions__queues__maxDequeueCount"]);
        Assert.True(BicepFile.Load(DeploymentFiles.Module("functionapp")).Contains("AzureFunctionsJobHost__extensions__queues__maxDequeueCount: streamMaxDequeue"));
    }

    [Fact]
    public void GpuAppEnvironment_CarriesEveryAppSettingExceptForwarding()
    {
        var expected = FunctionAppSettingNames().Except(FunctionAppOnlySettings).ToHashSet(StringComparer.Ordinal);

        Assert.Subset(GpuAppEnvironmentNames().ToHashSet(), expected);
        Assert.Contains("Shipyard__Auth__FunctionKeys__0", GpuAppEnvironmentNames());
    }

    [Fact]
    public void MainParameters_BindDeclaredParametersAndEveryRequiredOne()
    {
        var declared = BicepFile.Load(DeploymentFiles.MainBicep).Parameters();
        var bound = JsonNode.Parse(DeploymentFiles.Read(DeploymentFiles.MainParameters))!["parameters"]!.AsObject()
            .Select(p => p.Key).ToList();

        Assert.All(bound, name => Assert.True(declared.ContainsKey(name), $"main.parameters.json binds undeclared parameter '{name}'"));
        Assert.All(declared.Where(p => !p.Value), p => Assert.Contains(p.Key, bound));
        Assert.Contains("${AZURE_ENV_NAME}", DeploymentFiles.Read(DeploymentFiles.MainParameters), StringComparison.Ordinal);
        Assert.Contains("${AZURE_LOCATION}", DeploymentFiles.Read(DeploymentFiles.MainParameters), StringComparison.Ordinal);
    }

    [Fact]
    public void MainBicep_IsSubscriptionScopedAndUsesEveryModule()
    {
        var main = BicepFile.Load(DeploymentFiles.MainBicep);
        var referenced = main.ModulePaths().Select(p => Path.GetFullPath(Path.Combine(DeploymentFiles.Infra, p))).ToHashSet();
        var modules = Directory.EnumerateFiles(Path.Combine(DeploymentFiles.Infra, "modules"), "*.bicep").Select(Path.GetFullPath).ToHashSet();

        Assert.Contains("targetScope = 'subscription'", main.Text, StringComparison.Ordinal);
        Assert.Contains("'azd-env-name': environmentName", main.Text, StringComparison.Ordinal);
        Assert.Equal(modules.Order(StringComparer.Ordinal), referenced.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void MainBicep_ModuleArgumentsAreDeclaredModuleParameters()
    {
        var main = BicepFile.Load(DeploymentFiles.MainBicep);
        foreach (var match in ModuleBlockPattern().Matches(main.Text).Where(m => main.Mask[m.Index] == 'm'))
        {
            var path = match.Groups["path"].Value;
            var module = BicepFile.Load(Path.Combine(DeploymentFiles.Infra, path)).Parameters();
            var arguments = main.Block($"module {match.Groups["symbol"].Value} '{path}' = {{").Block("params: {").TopLevelKeys();

            Assert.All(arguments, a => Assert.True(module.ContainsKey(a), $"{path} has no parameter '{a}'"));
            Assert.All(module.Where(p => !p.Value), p => Assert.True(arguments.Contains(p.Key), $"main.bicep does not pass required '{p.Key}' to {path}"));
        }
    }

    [Fact]
    public void Storage_CreatesEveryContainerAndQueueTheAppUses()
    {
        var storage = BicepFile.Load(DeploymentFiles.Module("storage"));
        var containers = storage.Block("var containerNames = [").TopLevelItems();
        var queues = storage.Block("var queueNames = [").TopLevelItems();

        Assert.Subset(containers.ToHashSet(), AppContainers.ToHashSet());
        Assert.Contains("deploymentContainerName", containers);
        Assert.Equal(AppQueues.Order(StringComparer.Ordinal), queues.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Storage_AllowsNoPublicBlobsNoSharedKeyNoOldTls()
    {
        var storage = BicepFile.Load(DeploymentFiles.Module("storage"));

        Assert.True(storage.Contains("allowBlobPublicAccess: false"));
        Assert.True(storage.Contains("allowSharedKeyAccess: false"));
        Assert.True(storage.Contains("minimumTlsVersion: 'TLS1_2'"));
        Assert.True(storage.Contains("publicAccess: 'None'"));
    }

    [Fact]
    public void FunctionApp_IsFlexConsumptionCustomHandlerWithIdentityStorage()
    {
        var app = BicepFile.Load(DeploymentFiles.Module("functionapp"));

        Assert.True(app.Contains("tier: 'FlexConsumption'"));
        Assert.True(app.Contains("name: 'FC1'"));
        Assert.True(app.Contains("kind: 'functionapp,linux'"));
        Assert.Equal(RuntimeKeys, app.Block("runtime: {").TopLevelKeys());
        Assert.True(app.Contains("name: 'custom'"));
        Assert.True(app.Contains("instanceMemoryMB: instanceMemoryMB"));
        Assert.True(app.Contains("alwaysReady:"));
        Assert.True(app.Contains("type: 'UserAssignedIdentity'"));
        Assert.True(app.Contains("AzureWebJobsStorage__credential: 'managedidentity'"));
        Assert.DoesNotContain("FUNCTIONS_WORKER_RUNTIME", FunctionAppSettingNames());
    }

    [Fact]
    public void EventGrid_DeliversBatchInBlobCreatedToBatchScoreBlobWebhook()
    {
        var grid = BicepFile.Load(DeploymentFiles.Module("eventgrid"));
        var hook = DeploymentFiles.Read(Path.Combine(DeploymentFiles.Infra, "hooks", "postdeploy.sh"));

        Assert.True(grid.Contains("topicType: 'Microsoft.Storage.StorageAccounts'"));
        Assert.True(grid.Contains("param functionName string = 'BatchScore'"));
        Assert.True(grid.Contains("param containerName string = 'batch-in'"));
        Assert.True(grid.Contains("'Microsoft.Storage.BlobCreated'"));
        Assert.True(grid.Contains("subjectBeginsWith: '/blobServices/default/containers/${containerName}/'"));
        Assert.True(grid.Contains("/runtime/webhooks/blobs?functionName=Host.Functions.${functionName}&code="));
        Assert.True(grid.Contains(".systemKeys.blobs_extension"));
        // The postdeploy hook creates the same subscription before the Bicep flag takes over.
        Assert.Contains("/runtime/webhooks/blobs?functionName=Host.Functions.BatchScore&code=", hook, StringComparison.Ordinal);
        Assert.Contains("--subject-begins-with /blobServices/default/containers/batch-in/", hook, StringComparison.Ordinal);
        Assert.Contains("systemKeys.blobs_extension", hook, StringComparison.Ordinal);
    }

    [Fact]
    public void Alerts_QueryTheAgreedTelemetryNames()
    {
        var alerts = BicepFile.Load(DeploymentFiles.Module("alerts"));

        Assert.True(alerts.Contains("name == \"DriftDetected\""));
        Assert.True(alerts.Contains("name == \"BatchCompleted\" and tostring(customDimensions.status) == \"failed\""));
        Assert.True(alerts.Contains("Name == \"StreamMessagePoisoned\""));
        Assert.True(alerts.Contains("ObjectKey has \"score-requests-poison\""));
        Assert.True(alerts.Contains("metricName: 'RestartCount'"));
        Assert.True(alerts.Contains("percentile(duration, 95)"));
        Assert.True(alerts.Contains("countif(success == false)"));
        // Every threshold is a parameter with a default.
        var thresholds = alerts.Parameters().Where(p => p.Key.EndsWith("Threshold", StringComparison.Ordinal) || p.Key.EndsWith("Percent", StringComparison.Ordinal) || p.Key.EndsWith("Ms", StringComparison.Ordinal)).ToList();
        Assert.Equal(6, thresholds.Count);
        Assert.True(alerts.Parameters()["minimumRequests"]);
        Assert.All(thresholds, t => Assert.True(t.Value, $"alert threshold {t.Key} has no default"));
    }

    [Fact]
    public void AzdServiceNames_MatchAzureYamlServices()
    {
        var services = YamlToJson.Convert(DeploymentFiles.Read(DeploymentFiles.AzureYaml))!["services"]!.AsObject().Select(s => s.Key).Order(StringComparer.Ordinal);
        var tagged = ServiceNamePattern().Matches(DeploymentFiles.Read(DeploymentFiles.MainBicep)).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal);

        Assert.Equal(services, tagged);
        Assert.True(BicepFile.Load(DeploymentFiles.Module("functionapp")).Contains("'azd-service-name': serviceName"));
        Assert.True(BicepFile.Load(DeploymentFiles.Module("gpu")).Contains("'azd-service-name': serviceName"));
    }

    [Fact]
    public void GpuApp_RunsOnServerlessGpuProfileAndScalesToZeroOverHttp()
    {
        var gpu = BicepFile.Load(DeploymentFiles.Module("gpu"));
        var main = BicepFile.Load(DeploymentFiles.MainBicep);

        Assert.True(gpu.Contains("workloadProfileType: 'Consumption-GPU-NC8as-T4'"));
        Assert.True(gpu.Contains("workloadProfileType: 'Consumption-GPU-NC24-A100'"));
        Assert.True(gpu.Contains("minReplicas: minReplicas"));
        Assert.True(gpu.Contains("concurrentRequests: string(concurrentRequests)"));
        Assert.True(gpu.Contains("identity: identityId"));
        Assert.True(main.Contains("param gpuMinReplicas int = 0"));
        Assert.True(BicepFile.Load(DeploymentFiles.Module("registry")).Contains("adminUserEnabled: false"));
    }

    [Fact]
    public void GpuApp_ProbesStayWithinContainerAppsLimits()
    {
        var probes = BicepFile.Load(DeploymentFiles.Module("gpu")).Block("var healthProbes = [").Text;
        int[] Values(string key) => Regex.Matches(probes, key + @":\s*(\d+)").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToArray();

        // Container Apps health probe limits: failureThreshold 1-10, initialDelaySeconds 0-60, periodSeconds 1-240.
        Assert.NotEmpty(Values("failureThreshold"));
        Assert.All(Values("failureThreshold"), v => Assert.InRange(v, 1, 10));
        Assert.All(Values("initialDelaySeconds"), v => Assert.InRange(v, 0, 60));
        Assert.All(Values("periodSeconds"), v => Assert.InRange(v, 1, 240));
        Assert.Contains("path: '/api/health'", probes, StringComparison.Ordinal);
    }

    [Fact]
    public void Identity_AssignsBuiltInRolesByDefinitionId()
    {
        var identity = BicepFile.Load(DeploymentFiles.Module("identity"));
        var builtIn = new Dictionary<string, string>
        {
            ["storageBlobDataOwner"] = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
            ["storageQueueDataContributor"] = "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
            ["monitoringMetricsPublisher"] = "3913510d-42f4-4e42-8a64-420c390055eb",
            ["acrPull"] = "7f951dda-4ed3-4680-a7ca-43fe172d538d",
        };

        foreach (var (role, id) in builtIn)
        {
            Assert.True(identity.Contains($"{role}: '{id}'"), $"{role} is not {id}");
            Assert.True(identity.Contains($"roles.{role})"), $"{role} is never assigned");
        }

        Assert.DoesNotContain("roleDefinitions', 'Owner", identity.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("8e3af657-a8ff-443c-a75c-2fe8c4bcb635", identity.Text, StringComparison.Ordinal); // Owner
        Assert.DoesNotContain("b24988ac-6180-42a0-ab88-20f7382dd24c", identity.Text, StringComparison.Ordinal); // Contributor
    }

    [Fact]
    public void FunctionBindings_UseContainersQueuesAndSettingsTheInfrastructureProvides()
    {
        var storage = BicepFile.Load(DeploymentFiles.Module("storage"));
        var containers = storage.Block("var containerNames = [").TopLevelItems().ToHashSet(StringComparer.Ordinal);
        var queues = storage.Block("var queueNames = [").TopLevelItems().ToHashSet(StringComparer.Ordinal);
        var azureSettings = FunctionAppSettingNames();
        var localSettings = LocalSettingNames();

        foreach (var file in DeploymentFiles.FunctionJsonFiles())
        {
            var function = Path.GetFileName(Path.GetDirectoryName(file));
            var text = DeploymentFiles.Read(file);
            foreach (var setting in SettingReferencePattern().Matches(text).Select(m => m.Groups[1].Value))
            {
                Assert.True(azureSettings.Contains(setting), $"{function}/function.json uses %{setting}%, which functionapp.bicep does not set");
                Assert.True(localSettings.Contains(setting), $"{function}/function.json uses %{setting}%, which local.settings.sample.json does not set");
            }

            foreach (var binding in JsonNode.Parse(text)!["bindings"]!.AsArray().Select(b => b!.AsObject()))
            {
                var type = (string?)binding["type"];
                var connection = (string?)binding["connection"];
                Assert.True(connection is null or "AzureWebJobsStorage", $"{function}: connection '{connection}' has no settings in Bicep (only AzureWebJobsStorage is provisioned)");
                if (type is "blobTrigger" or "blob")
                {
                    var container = ((string?)binding["path"] ?? string.Empty).Split('/')[0];
                    Assert.True(containers.Contains(container), $"{function}: container '{container}' is not created by storage.bicep");
                }

                if (type == "blobTrigger")
                {
                    Assert.True((string?)binding["source"] == "EventGrid", $"{function}: Flex Consumption runs blob triggers only with \"source\": \"EventGrid\"");
                    Assert.Equal("BatchScore", function);
                }

                if (type is "queueTrigger" or "queue")
                {
                    var queue = (string?)binding["queueName"] ?? string.Empty;
                    Assert.True(queues.Contains(queue), $"{function}: queue '{queue}' is not created by storage.bicep");
                }
            }
        }
    }

    [GeneratedRegex("%([A-Za-z0-9_]+)%")]
    private static partial Regex SettingReferencePattern();

    [GeneratedRegex(@"name:\s*'([^']+)'")]
    private static partial Regex EnvNamePattern();

    [GeneratedRegex(@"^module\s+(?<symbol>[A-Za-z_][A-Za-z0-9_]*)\s+'(?<path>[^']+)'", RegexOptions.Multiline)]
    private static partial Regex ModuleBlockPattern();

    [GeneratedRegex(@"serviceName:\s*'([^']+)'")]
    private static partial Regex ServiceNamePattern();
}
