using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit;

namespace Shipyard.Server.Tests.Deployment;

/// <summary>
/// infra/ as the real Bicep CLI sees it: every file builds and lints clean, and the deployment `azd provision` would make
/// (evaluated by ARM's template engine, <see cref="AzdProvision"/>) agrees with the app's contracts: settings, storage
/// names, identities and roles, Event Grid wiring, alert queries, the GPU tier and the region check.
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

    /// <summary>
    /// Flex Consumption runtimes Shipyard can run on, with the azure.yaml `language` azd needs for each: the app is a
    /// .NET isolated worker (dotnet-isolated 10.0).
    /// </summary>
    private static readonly Dictionary<(string Name, string Version), string> AzdLanguageByRuntime = new()
    {
        [("dotnet-isolated", "10.0")] = "dotnet",
    };

    // Built-in role definition ids (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles).
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string StorageBlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    private const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";
    private const string AcrPull = "7f951dda-4ed3-4680-a7ca-43fe172d538d";
    private const string AcrPush = "8311e382-0749-4cb8-b61a-304f252e45ec";
    private const string ContainerRegistryTasksContributor = "fb382eab-e894-4461-af04-94435c366c3f";
    private const string Owner = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
    private const string Contributor = "b24988ac-6180-42a0-ab88-20f7382dd24c";

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

    private static async Task<JsonObject> ModuleTemplateAsync(string deploymentName) =>
        (await AzdProvision.MainTemplateAsync())["resources"]!.AsArray()
            .Single(r => (string?)r!["type"] == "Microsoft.Resources/deployments" && (string?)r["name"] == deploymentName)!["properties"]!["template"]!.AsObject();

    // ---- The Bicep CLI's verdict ----

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public async Task BicepFile_BuildsAndLintsWithoutAnyDiagnostic(string relativePath)
    {
        var path = Path.Combine(DeploymentFiles.Infra, relativePath);

        var (_, buildDiagnostics) = await BicepCli.BuildAsync(path);
        var lintDiagnostics = await BicepCli.LintAsync(path);

        Assert.Empty(buildDiagnostics);
        Assert.Empty(lintDiagnostics);
    }

    [Fact]
    public async Task BicepCli_PropertyTheApiVersionLacks_IsReportedAsBcp037()
    {
        // registry.bicep as it was: anonymousPullEnabled on 2023-07-01, whose schema lacks it.
        var folder = Directory.CreateTempSubdirectory("shipyard-bicep-");
        try
        {
            var file = Path.Combine(folder.FullName, "registry.bicep");
            await File.WriteAllTextAsync(file, DeploymentFiles.Read(DeploymentFiles.Module("registry")).Replace("registries@2025-04-01", "registries@2023-07-01", StringComparison.Ordinal));

            var (_, diagnostics) = await BicepCli.BuildAsync(file);

            Assert.Contains(diagnostics, d => d.Contains("Warning BCP037", StringComparison.Ordinal) && d.Contains("anonymousPullEnabled", StringComparison.Ordinal));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    // ---- Template structure ----

    [Fact]
    public async Task MainParameters_BindDeclaredParametersAndEveryRequiredOneAzdDoesNotGenerate()
    {
        var declared = (await AzdProvision.MainTemplateAsync())["parameters"]!.AsObject();
        var bound = JsonNode.Parse(DeploymentFiles.Read(DeploymentFiles.MainParameters))!["parameters"]!.AsObject().Select(p => p.Key).ToList();

        Assert.All(bound, name => Assert.True(declared.ContainsKey(name), $"main.parameters.json binds undeclared parameter '{name}'"));
        foreach (var (name, declaration) in declared.Where(p => p.Value!["defaultValue"] is null))
        {
            var generated = (string?)declaration!["metadata"]?["azd"]?["type"] == "generate";
            Assert.True(bound.Contains(name) || generated, $"required parameter '{name}' is neither bound in main.parameters.json nor generated by azd");
        }

        Assert.Contains("${AZURE_ENV_NAME}", DeploymentFiles.Read(DeploymentFiles.MainParameters), StringComparison.Ordinal);
        Assert.Contains("${AZURE_LOCATION}", DeploymentFiles.Read(DeploymentFiles.MainParameters), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MainBicep_IsSubscriptionScopedTagsTheEnvironmentAndUsesEveryModule()
    {
        var main = await AzdProvision.MainTemplateAsync();
        var nestedHashes = main["resources"]!.AsArray().Where(r => (string?)r!["type"] == "Microsoft.Resources/deployments")
            .Select(r => (string?)r!["properties"]!["template"]!["metadata"]!["_generator"]!["templateHash"]).ToHashSet();
        var deployment = await AzdProvision.DefaultAsync();

        Assert.Contains("subscriptionDeploymentTemplate.json", (string?)main["$schema"], StringComparison.Ordinal);
        Assert.Equal("shipyard-ci", (string?)deployment.Single("Microsoft.Resources/resourceGroups")["tags"]!["azd-env-name"]);
        foreach (var module in Directory.EnumerateFiles(Path.Combine(DeploymentFiles.Infra, "modules"), "*.bicep"))
        {
            var (template, _) = await BicepCli.BuildAsync(module);
            Assert.True(nestedHashes.Contains((string?)template["metadata"]!["_generator"]!["templateHash"]), $"main.bicep does not use {Path.GetFileName(module)}");
        }
    }

    [Fact]
    public async Task MainBicep_ModuleArgumentsAreDeclaredModuleParameters()
    {
        var deployments = (await AzdProvision.MainTemplateAsync())["resources"]!.AsArray().Where(r => (string?)r!["type"] == "Microsoft.Resources/deployments");
        foreach (var deployment in deployments)
        {
            var name = (string?)deployment!["name"];
            var arguments = deployment["properties"]!["parameters"]!.AsObject().Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
            var declared = deployment["properties"]!["template"]!["parameters"]!.AsObject();

            Assert.All(arguments, a => Assert.True(declared.ContainsKey(a), $"module {name} has no parameter '{a}'"));
            Assert.All(declared.Where(p => p.Value!["defaultValue"] is null), p => Assert.True(arguments.Contains(p.Key), $"main.bicep does not pass required '{p.Key}' to {name}"));
        }
    }

    // ---- Function app ----

    [Fact]
    public async Task FunctionAppSettings_MatchLocalSettingsSample()
    {
        var settings = (await AzdProvision.DefaultAsync()).FunctionAppSettings.Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var azure = settings.Except(AzureOnlySettings.Keys).Order(StringComparer.Ordinal).ToList();
        var local = LocalSettingNames().Except(LocalOnlySettings.Keys).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(local, azure);
        Assert.Subset(settings, AzureOnlySettings.Keys.ToHashSet());
    }

    [Fact]
    public async Task QueueRetryLimitOfTheHost_FollowsStreamMaxDequeue()
    {
        var values = JsonNode.Parse(DeploymentFiles.Read(DeploymentFiles.LocalSettingsSample))!["Values"]!;
        var settings = (await ModuleTemplateAsync("functionapp"))["resources"]!.AsArray()
            .Single(r => (string?)r!["type"] == "Microsoft.Web/sites/config")!["properties"]!;

        Assert.Equal((string?)values["STREAM_MAX_DEQUEUE"], (string?)values["AzureFunctionsJobHost__extensions__queues__maxDequeueCount"]);
        Assert.Equal("[parameters('streamMaxDequeue')]", (string?)settings["AzureFunctionsJobHost__extensions__queues__maxDequeueCount"]);
        Assert.Equal("[parameters('streamMaxDequeue')]", (string?)settings["STREAM_MAX_DEQUEUE"]);
    }

    [Fact]
    public async Task FunctionApp_IsFlexConsumptionWithIdentityStorage()
    {
        var deployment = await AzdProvision.DefaultAsync();
        var plan = deployment.Single("Microsoft.Web/serverfarms");
        var site = deployment.Single("Microsoft.Web/sites");
        var config = site["properties"]!["functionAppConfig"]!;

        Assert.Equal("FlexConsumption", (string?)plan["sku"]!["tier"]);
        Assert.Equal("FC1", (string?)plan["sku"]!["name"]);
        Assert.Equal("functionapp,linux", (string?)site["kind"]);
        Assert.Equal(2048, (int?)config["scaleAndConcurrency"]!["instanceMemoryMB"]);
        Assert.Empty(config["scaleAndConcurrency"]!["alwaysReady"]!.AsArray());
        Assert.Equal("UserAssignedIdentity", (string?)config["deployment"]!["storage"]!["authentication"]!["type"]);
        Assert.Equal("managedidentity", (string?)deployment.FunctionAppSettings["AzureWebJobsStorage__credential"]);
        Assert.False(deployment.FunctionAppSettings.ContainsKey("FUNCTIONS_WORKER_RUNTIME"));
    }

    [Fact]
    public async Task FunctionApp_AzdEnvironmentValuesReachTheFlexConfiguration()
    {
        var deployment = await AzdProvision.EvaluateAsync(new AzdEnvironment().With("SHIPYARD_INSTANCE_MEMORY_MB", "4096").With("SHIPYARD_ALWAYS_READY", "2"));
        var scale = deployment.Single("Microsoft.Web/sites")["properties"]!["functionAppConfig"]!["scaleAndConcurrency"]!;

        Assert.Equal(4096, (int?)scale["instanceMemoryMB"]);
        Assert.Equal("""[{"name":"http","instanceCount":2}]""", scale["alwaysReady"]!.ToJsonString());
    }

    [Fact]
    public async Task FunctionApp_RuntimeIsAFlexRuntimeAndAzureYamlDeploysItsLanguage()
    {
        var runtime = (await AzdProvision.DefaultAsync()).Single("Microsoft.Web/sites")["properties"]!["functionAppConfig"]!["runtime"]!;
        var key = ((string)runtime["name"]!, (string)runtime["version"]!);
        var language = (string?)YamlToJson.Convert(DeploymentFiles.Read(DeploymentFiles.AzureYaml))!["services"]!["functions"]!["language"];

        Assert.True(AzdLanguageByRuntime.ContainsKey(key), $"functionAppConfig.runtime {key} is not one Shipyard supports");
        Assert.Equal(AzdLanguageByRuntime[key], language);
    }

    // ---- Storage ----

    [Fact]
    public async Task Storage_CreatesEveryContainerAndQueueTheAppUses()
    {
        var deployment = await AzdProvision.DefaultAsync();
        var containers = deployment.ChildNames("Microsoft.Storage/storageAccounts/blobServices/containers");
        var queues = deployment.ChildNames("Microsoft.Storage/storageAccounts/queueServices/queues");

        Assert.Subset(containers.ToHashSet(), AppContainers.ToHashSet());
        Assert.Contains("deployment-package", containers);
        Assert.Equal(AppQueues.Order(StringComparer.Ordinal), queues.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Storage_AllowsNoPublicBlobsNoSharedKeyNoOldTls()
    {
        var deployment = await AzdProvision.DefaultAsync();
        var account = deployment.Single("Microsoft.Storage/storageAccounts")["properties"]!;

        Assert.False((bool)account["allowBlobPublicAccess"]!);
        Assert.False((bool)account["allowSharedKeyAccess"]!);
        Assert.Equal("TLS1_2", (string?)account["minimumTlsVersion"]);
        Assert.All(deployment.OfType("Microsoft.Storage/storageAccounts/blobServices/containers"), c => Assert.Equal("None", (string?)c["properties"]!["publicAccess"]));
    }

    [Fact]
    public async Task FunctionBindings_UseContainersQueuesAndSettingsTheInfrastructureProvides()
    {
        var deployment = await AzdProvision.DefaultAsync();
        var containers = deployment.ChildNames("Microsoft.Storage/storageAccounts/blobServices/containers").ToHashSet(StringComparer.Ordinal);
        var queues = deployment.ChildNames("Microsoft.Storage/storageAccounts/queueServices/queues").ToHashSet(StringComparer.Ordinal);
        var azureSettings = deployment.FunctionAppSettings.Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var localSettings = LocalSettingNames();

        // The Worker SDK's functions.metadata (generated from the [Function] attributes at build) is what the host reads.
        var functions = JsonNode.Parse(DeploymentFiles.Read(DeploymentFiles.FunctionsMetadata))!.AsArray().Select(f => f!.AsObject()).ToList();
        Assert.Contains(functions, f => (string?)f["name"] == "BatchScore");
        foreach (var entry in functions)
        {
            var function = (string?)entry["name"];
            var text = entry.ToJsonString();
            foreach (var setting in SettingReferencePattern().Matches(text).Select(m => m.Groups[1].Value))
            {
                Assert.True(azureSettings.Contains(setting), $"{function} uses %{setting}%, which functionapp.bicep does not set");
                Assert.True(localSettings.Contains(setting), $"{function} uses %{setting}%, which local.settings.sample.json does not set");
            }

            foreach (var binding in entry["bindings"]!.AsArray().Select(b => b!.AsObject()))
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
                    Assert.True(string.Equals((string?)binding["source"], "EventGrid", StringComparison.OrdinalIgnoreCase), $"{function}: Flex Consumption runs blob triggers only with Source = EventGrid");
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

    // ---- Event Grid ----

    [Fact]
    public async Task EventGrid_DeliversBatchInBlobCreatedToBatchScoreBlobWebhook()
    {
        var first = await AzdProvision.DefaultAsync();
        var later = await AzdProvision.EvaluateAsync(new AzdEnvironment().With("SHIPYARD_BATCH_EVENTS", "true"));
        var topic = later.Single("Microsoft.EventGrid/systemTopics")["properties"]!;
        var subscription = later.Single("Microsoft.EventGrid/systemTopics/eventSubscriptions")["properties"]!;
        var endpoint = (string)subscription["destination"]!["properties"]!["endpointUrl"]!;
        var hook = DeploymentFiles.Read(Path.Combine(DeploymentFiles.Infra, "hooks", "postdeploy.sh"));

        // The first provision has no code deployed yet, so no blobs_extension key: the topic only.
        Assert.Empty(first.OfType("Microsoft.EventGrid/systemTopics/eventSubscriptions"));
        Assert.Equal("Microsoft.Storage.StorageAccounts", (string?)topic["topicType"]);
        Assert.Equal("""["Microsoft.Storage.BlobCreated"]""", subscription["filter"]!["includedEventTypes"]!.ToJsonString());
        Assert.Equal("/blobServices/default/containers/batch-in/", (string?)subscription["filter"]!["subjectBeginsWith"]);
        Assert.Contains("/runtime/webhooks/blobs?functionName=Host.Functions.{1}&code={2}", endpoint, StringComparison.Ordinal);
        Assert.Contains("'BatchScore'", endpoint, StringComparison.Ordinal);
        Assert.Matches(@"listKeys\('/subscriptions/[^']+/providers/Microsoft\.Web/sites/func-[a-z0-9]+/host/default', '[0-9-]+'\)\.systemKeys\.blobs_extension", endpoint);
        // The postdeploy hook creates the same subscription before the Bicep flag takes over.
        Assert.Contains("/runtime/webhooks/blobs?functionName=Host.Functions.BatchScore&code=", hook, StringComparison.Ordinal);
        Assert.Contains("--subject-begins-with /blobServices/default/containers/batch-in/", hook, StringComparison.Ordinal);
        Assert.Contains("systemKeys.blobs_extension", hook, StringComparison.Ordinal);
    }

    // ---- Alerts ----

    [Fact]
    public async Task Alerts_QueryTheAgreedTelemetryNames()
    {
        var deployment = await AzdProvision.DefaultAsync();
        var queries = string.Join("\n", deployment.OfType("Microsoft.Insights/scheduledQueryRules").Select(r => (string?)r["properties"]!["criteria"]!["allOf"]![0]!["query"]));
        var metrics = deployment.Single("Microsoft.Insights/metricAlerts")["properties"]!["criteria"]!["allOf"]!.ToJsonString();
        var parameters = (await ModuleTemplateAsync("alerts"))["parameters"]!.AsObject();

        Assert.Contains("name == \"DriftDetected\"", queries, StringComparison.Ordinal);
        Assert.Contains($"name == \"{Shipyard.Monitoring.Evaluation.EvaluationCheck.BelowTrainingEvent}\"", queries, StringComparison.Ordinal);
        Assert.Contains("name == \"BatchCompleted\" and tostring(customDimensions.status) == \"failed\"", queries, StringComparison.Ordinal);
        Assert.Contains("Name == \"StreamMessagePoisoned\"", queries, StringComparison.Ordinal);
        Assert.Contains("ObjectKey has \"score-requests-poison\"", queries, StringComparison.Ordinal);
        Assert.Contains("percentile(duration, 95)", queries, StringComparison.Ordinal);
        Assert.Contains("countif(success == false)", queries, StringComparison.Ordinal);
        Assert.Contains("\"metricName\":\"RestartCount\"", metrics, StringComparison.Ordinal);
        // Every threshold is a parameter with a default.
        var thresholds = parameters.Where(p => p.Key.EndsWith("Threshold", StringComparison.Ordinal) || p.Key.EndsWith("Percent", StringComparison.Ordinal) || p.Key.EndsWith("Ms", StringComparison.Ordinal)).ToList();
        Assert.Equal(6, thresholds.Count);
        Assert.NotNull(parameters["minimumRequests"]!["defaultValue"]);
        Assert.All(thresholds, t => Assert.True(t.Value!["defaultValue"] is not null, $"alert threshold {t.Key} has no default"));
    }

    [Fact]
    public async Task AzdServiceNames_MatchAzureYamlServices()
    {
        var deployment = await AzdProvision.DefaultAsync();
        var services = YamlToJson.Convert(DeploymentFiles.Read(DeploymentFiles.AzureYaml))!["services"]!.AsObject().Select(s => s.Key).Order(StringComparer.Ordinal);
        var tagged = deployment.Resources.Select(r => (string?)r["tags"]?["azd-service-name"]).OfType<string>().Order(StringComparer.Ordinal);

        Assert.Equal(services, tagged);
        Assert.Equal("functions", (string?)deployment.Single("Microsoft.Web/sites")["tags"]!["azd-service-name"]);
        Assert.Equal("gpu", (string?)deployment.Single("Microsoft.App/containerApps")["tags"]!["azd-service-name"]);
    }

    // ---- GPU tier ----

    [Theory]
    [InlineData("T4", "Consumption-GPU-NC8as-T4")]
    [InlineData("A100", "Consumption-GPU-NC24-A100")]
    public async Task GpuApp_RunsOnServerlessGpuProfileAndScalesToZeroOverHttp(string profile, string workloadProfileType)
    {
        var deployment = profile == "T4" ? await AzdProvision.DefaultAsync() : await AzdProvision.EvaluateAsync(new AzdEnvironment().With("SHIPYARD_GPU_PROFILE", profile));
        var profiles = deployment.Single("Microsoft.App/managedEnvironments")["properties"]!["workloadProfiles"]!.AsArray();
        var app = deployment.Single("Microsoft.App/containerApps")["properties"]!;
        var gpuProfile = profiles.Single(p => (string?)p!["workloadProfileType"] == workloadProfileType)!;
        var registry = deployment.Single("Microsoft.ContainerRegistry/registries")["properties"]!;

        Assert.Equal((string?)gpuProfile["name"], (string?)app["workloadProfileName"]);
        Assert.Equal(0, (int?)app["template"]!["scale"]!["minReplicas"]);
        Assert.Equal("20", (string?)app["template"]!["scale"]!["rules"]![0]!["http"]!["metadata"]!["concurrentRequests"]);
        Assert.Contains("/userAssignedIdentities/id-gpu-", (string?)app["configuration"]!["registries"]![0]!["identity"], StringComparison.Ordinal);
        Assert.False((bool)registry["adminUserEnabled"]!);
        Assert.False((bool)registry["anonymousPullEnabled"]!);
    }

    [Fact]
    public async Task GpuApp_ProbesStayWithinContainerAppsLimits()
    {
        // Probes are added once the image is Shipyard's (azd sets SERVICE_GPU_IMAGE_NAME after the first deploy).
        var deployment = await AzdProvision.EvaluateAsync(new AzdEnvironment().With("SERVICE_GPU_IMAGE_NAME", "crexample.azurecr.io/shipyard/gpu:azd-1"));
        var probes = deployment.GpuContainer["probes"]!.AsArray().Select(p => p!.AsObject()).ToList();
        int[] Values(string key) => probes.Where(p => p[key] is not null).Select(p => (int)p[key]!).ToArray();

        // Container Apps health probe limits: failureThreshold 1-10, initialDelaySeconds 0-60, periodSeconds 1-240.
        Assert.Equal(["Startup", "Readiness", "Liveness"], probes.Select(p => (string)p["type"]!));
        Assert.All(Values("failureThreshold"), v => Assert.InRange(v, 1, 10));
        Assert.All(Values("initialDelaySeconds"), v => Assert.InRange(v, 0, 60));
        Assert.All(Values("periodSeconds"), v => Assert.InRange(v, 1, 240));
        Assert.Contains(probes, p => (string?)p["httpGet"]!["path"] == "/api/health");
        Assert.Equal("crexample.azurecr.io/shipyard/gpu:azd-1", (string?)deployment.GpuContainer["image"]);
    }

    [Fact]
    public async Task GpuApp_IngressCarriesGrpcOverHttp2ToTheImagesGrpcPort_ProbesStayOnRest()
    {
        // Once the image is Shipyard's, the ingress targets the port Dockerfile.gpu gives gRPC, with transport http2.
        var deployment = await AzdProvision.EvaluateAsync(new AzdEnvironment().With("SERVICE_GPU_IMAGE_NAME", "crexample.azurecr.io/shipyard/gpu:azd-1"));
        var ingress = deployment.Single("Microsoft.App/containerApps")["properties"]!["configuration"]!["ingress"]!;
        var dockerfile = DeploymentFiles.Read(Path.Combine(DeploymentFiles.ServerProject, "Dockerfile.gpu"));
        var grpcPort = int.Parse(GrpcUrlSetting().Match(dockerfile).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var restPort = int.Parse(RestUrlsArgument().Match(dockerfile).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var probePorts = deployment.GpuContainer["probes"]!.AsArray().Select(p => (int)p!["httpGet"]!["port"]!).Distinct();

        Assert.NotEqual(restPort, grpcPort);
        Assert.Equal(grpcPort, (int)ingress["targetPort"]!);
        Assert.Equal("http2", (string?)ingress["transport"]);
        Assert.True((bool)ingress["external"]!);
        Assert.False((bool)ingress["allowInsecure"]!); // TLS ends at the ingress: keys in metadata never travel in clear
        Assert.Equal([restPort], probePorts);
        Assert.Contains(grpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture), dockerfile.Split('\n').Single(l => l.StartsWith("EXPOSE", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("SHIPYARD_GPU_GRPC_TARGET", deployment.Outputs.Select(o => o.Key));
    }

    [Fact]
    public async Task GpuApp_WithThePlaceholderImage_IngressStaysOnItsPort()
    {
        // The placeholder (before the first deploy) listens on 8080 only and speaks no gRPC.
        var deployment = await AzdProvision.DefaultAsync();
        var ingress = deployment.Single("Microsoft.App/containerApps")["properties"]!["configuration"]!["ingress"]!;

        Assert.Equal(8080, (int)ingress["targetPort"]!);
        Assert.Equal("auto", (string?)ingress["transport"]);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"Shipyard__Grpc__Url=http://\+:([0-9]+)")]
    private static partial System.Text.RegularExpressions.Regex GrpcUrlSetting();

    [System.Text.RegularExpressions.GeneratedRegex(@"""--urls"", ""http://\+:([0-9]+)""")]
    private static partial System.Text.RegularExpressions.Regex RestUrlsArgument();

    [Fact]
    public async Task GpuAppEnvironment_CarriesEveryAppSettingExceptForwarding()
    {
        var deployment = await AzdProvision.DefaultAsync();
        var expected = deployment.FunctionAppSettings.Select(p => p.Key).Except(FunctionAppOnlySettings).ToHashSet(StringComparer.Ordinal);
        var environment = deployment.GpuAppEnvironment;

        Assert.Subset(environment.Keys.ToHashSet(), expected);
        Assert.Equal("secretref:gpu-app-key", environment["Shipyard__Auth__FunctionKeys__0"]);
        // The function app's StreamScore and DriftCheck do this work; the GPU app scores only (and so needs no queue role).
        Assert.Equal("false", environment["Shipyard__Streaming__PollerEnabled"]);
        Assert.Equal("false", environment["Shipyard__Drift__Scheduler__Enabled"]);
    }

    [Fact]
    public async Task GpuAppKey_StaysTheSameAcrossProvisionsOfOneEnvironment()
    {
        var environment = new AzdEnvironment();
        var declaration = (await AzdProvision.MainTemplateAsync())["parameters"]!["gpuAppKey"]!;

        var first = await AzdProvision.EvaluateAsync(environment);
        var second = await AzdProvision.EvaluateAsync(environment);

        // A template default (newGuid()) would be drawn again by ARM on every provision: the function app would get a
        // new key at once and the GPU app only at its next revision. azd generates it once and keeps it instead.
        Assert.Null(declaration["defaultValue"]);
        Assert.Equal("securestring", (string?)declaration["type"]);
        Assert.Equal("generate", (string?)declaration["metadata"]!["azd"]!["type"]);
        Assert.DoesNotContain("gpuAppKey", DeploymentFiles.Read(DeploymentFiles.MainParameters), StringComparison.Ordinal);
        Assert.Equal(first.Parameters["gpuAppKey"], second.Parameters["gpuAppKey"]);
        Assert.Equal(environment.Config["gpuAppKey"], first.Parameters["gpuAppKey"]);
        // Both apps take the one parameter (secure values stay expressions in the evaluated deployment).
        Assert.Equal("[parameters('gpuAppKey')]", (string?)first.FunctionAppSettings["GPU_APP_KEY"]);
        Assert.Equal("[parameters('gpuAppKey')]", (string?)first.Single("Microsoft.App/containerApps")["properties"]!["configuration"]!["secrets"]![0]!["value"]);
    }

    [Fact]
    public async Task GpuAppKey_OfAnotherEnvironment_IsAnotherKey()
    {
        var one = await AzdProvision.EvaluateAsync(new AzdEnvironment());
        var other = await AzdProvision.EvaluateAsync(new AzdEnvironment());

        Assert.NotEqual(one.Parameters["gpuAppKey"], other.Parameters["gpuAppKey"]);
        Assert.Equal(48, one.Parameters["gpuAppKey"].Length);
    }

    // ---- Identities and roles ----

    [Fact]
    public async Task Identities_FunctionAppGpuAppAndDeployerGetOnlyTheirRoles()
    {
        var deployment = await AzdProvision.DefaultAsync();
        var assignments = deployment.RoleAssignments;
        string[] Roles(Func<string, bool> principal, string scopeType) =>
            assignments.Where(a => principal(a.Principal) && a.Scope.Contains(scopeType, StringComparison.Ordinal)).Select(a => a.Role).Order(StringComparer.Ordinal).ToArray();
        bool FunctionApp(string p) => Regex.IsMatch(p, "/userAssignedIdentities/id-[a-z0-9]+'");
        bool GpuApp(string p) => p.Contains("/userAssignedIdentities/id-gpu-", StringComparison.Ordinal);
        bool Deployer(string p) => p == AzdProvision.PrincipalId;

        Assert.Equal(2, deployment.OfType("Microsoft.ManagedIdentity/userAssignedIdentities").Count);
        Assert.All(assignments, a => Assert.True(FunctionApp(a.Principal) || GpuApp(a.Principal) || Deployer(a.Principal), $"role {a.Role} for unknown principal {a.Principal}"));
        Assert.Equal(new[] { StorageQueueDataContributor, StorageBlobDataOwner }.Order(StringComparer.Ordinal), Roles(FunctionApp, "/storageAccounts/"));
        Assert.Equal([MonitoringMetricsPublisher], Roles(FunctionApp, "/components/"));
        Assert.Empty(Roles(FunctionApp, "/registries/"));
        // The GPU app reads and writes blobs where it scores and pulls its image: nothing else.
        Assert.Equal([StorageBlobDataContributor], Roles(GpuApp, "/storageAccounts/"));
        Assert.Equal([AcrPull], Roles(GpuApp, "/registries/"));
        Assert.Equal(2, assignments.Count(a => GpuApp(a.Principal)));
        // azd's remote build (ACR Tasks) then push.
        Assert.Equal(new[] { AcrPush, ContainerRegistryTasksContributor }.Order(StringComparer.Ordinal), Roles(Deployer, "/registries/"));
        Assert.Equal(new[] { StorageBlobDataContributor, StorageQueueDataContributor }.Order(StringComparer.Ordinal), Roles(Deployer, "/storageAccounts/"));
        Assert.DoesNotContain(assignments, a => a.Role is Owner or Contributor);
        Assert.All(assignments, a => Assert.Equal($"/subscriptions/{AzdProvision.SubscriptionId}/resourceGroups/rg-shipyard-ci", a.Scope[..a.Scope.IndexOf("/providers/", StringComparison.Ordinal)]));
    }

    [Fact]
    public async Task Identities_WithoutDeployer_AssignOnlyTheAppRoles()
    {
        var deployment = await AzdProvision.EvaluateAsync(new AzdEnvironment().With("AZURE_PRINCIPAL_ID", string.Empty));

        Assert.Equal(5, deployment.RoleAssignments.Count);
        Assert.DoesNotContain(deployment.RoleAssignments, a => a.Principal == AzdProvision.PrincipalId);
    }

    [Fact]
    public async Task Apps_UseTheirOwnIdentity()
    {
        var deployment = await AzdProvision.DefaultAsync();
        var site = deployment.Single("Microsoft.Web/sites")["identity"]!["userAssignedIdentities"]!.AsObject().Single().Key;
        var gpu = deployment.Single("Microsoft.App/containerApps")["identity"]!["userAssignedIdentities"]!.AsObject().Single().Key;

        Assert.Matches("/userAssignedIdentities/id-[a-z0-9]+$", site);
        Assert.Contains("/userAssignedIdentities/id-gpu-", gpu, StringComparison.Ordinal);
        Assert.Contains("id-gpu-", deployment.GpuAppEnvironment["AZURE_CLIENT_ID"], StringComparison.Ordinal);
        Assert.Contains("id-gpu-", deployment.GpuAppEnvironment["AzureWebJobsStorage__clientId"], StringComparison.Ordinal);
        Assert.DoesNotContain("id-gpu-", (string?)deployment.FunctionAppSettings["AZURE_CLIENT_ID"], StringComparison.Ordinal);
    }

    // ---- Region check ----

    [Fact]
    public async Task Region_WithoutFlexConsumption_FailsNamingTheLocationParameter()
    {
        var error = await Assert.ThrowsAsync<BicepEvaluationException>(() =>
            AzdProvision.EvaluateAsync(new AzdEnvironment().With("AZURE_LOCATION", "westindia")));

        // ARM reports it before creating anything, as the resource group's location: "The template variable
        // 'checkedLocation' is not valid: <message>".
        Assert.Contains("'checkedLocation' is not valid: Parameter location (AZURE_LOCATION) is 'westindia', which does not offer Azure Functions Flex Consumption. Choose one of: australiaeast,", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Region_WithoutTheChosenServerlessGpu_FailsNamingTheGpuProfileParameter()
    {
        var error = await Assert.ThrowsAsync<BicepEvaluationException>(() =>
            AzdProvision.EvaluateAsync(new AzdEnvironment().With("AZURE_LOCATION", "uksouth").With("SHIPYARD_GPU_PROFILE", "A100")));

        Assert.Contains("'checkedLocation' is not valid: Parameter gpuProfile (SHIPYARD_GPU_PROFILE) is 'A100', but location (AZURE_LOCATION) 'uksouth' offers no Container Apps serverless A100 GPU. Regions with it: australiaeast,", error.Message, StringComparison.Ordinal);
        Assert.Contains("SHIPYARD_GPU_PROFILE=None", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GpuProfileNone_InARegionWithoutServerlessGpus_DeploysEverythingElse()
    {
        var everything = await AzdProvision.DefaultAsync();

        var cpuOnly = await AzdProvision.EvaluateAsync(new AzdEnvironment().With("AZURE_LOCATION", "uksouth").With("SHIPYARD_GPU_PROFILE", "None"));

        Assert.Equal(everything.Resources.Select(r => (string)r["type"]!).Order(StringComparer.Ordinal), cpuOnly.Resources.Select(r => (string)r["type"]!).Order(StringComparer.Ordinal));
        Assert.Equal(["Consumption"], cpuOnly.Single("Microsoft.App/managedEnvironments")["properties"]!["workloadProfiles"]!.AsArray().Select(p => (string)p!["workloadProfileType"]!));
        Assert.Equal("Consumption", (string?)cpuOnly.Single("Microsoft.App/containerApps")["properties"]!["workloadProfileName"]);
        Assert.All(cpuOnly.Resources.Where(r => r["location"] is not null && (string?)r["location"] != "global"), r => Assert.Equal("uksouth", (string?)r["location"]));
    }

    [Fact]
    public async Task Region_CheckSkipped_DeploysToARegionTheTableDoesNotList()
    {
        var deployment = await AzdProvision.EvaluateAsync(new AzdEnvironment().With("AZURE_LOCATION", "westindia").With("SHIPYARD_SKIP_REGION_CHECK", "true"));

        Assert.Equal("westindia", (string?)deployment.Single("Microsoft.Resources/resourceGroups")["location"]);
    }

    [GeneratedRegex("%([A-Za-z0-9_]+)%")]
    private static partial Regex SettingReferencePattern();
}
