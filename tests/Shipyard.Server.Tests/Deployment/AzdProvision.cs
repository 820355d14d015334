using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Shipyard.Server.Tests.Deployment;

/// <summary>
/// What <c>azd provision</c> would deploy, evaluated by ARM's template engine (<see cref="BicepCli.SnapshotAsync"/>)
/// instead of Azure: infra/main.parameters.json is resolved against an azd environment the way azd does it
/// (<c>${NAME}</c>, <c>${NAME=default}</c>), required parameters missing from that file come from the environment's
/// stored configuration (<c>infra.parameters.&lt;name&gt;</c>) or, for <c>@metadata({azd: {type: 'generate'}})</c>
/// parameters, are generated once and stored there, as azd does on the first provision.
/// </summary>
internal static partial class AzdProvision
{
    public const string SubscriptionId = "00000000-0000-0000-0000-00000000c0de";
    public const string TenantId = "00000000-0000-0000-0000-0000000007e7";
    public const string PrincipalId = "11111111-2222-3333-4444-555555555555";

    /// <summary>A region that offers Flex Consumption and both serverless GPUs (infra/regions.json).</summary>
    public const string DefaultLocation = "swedencentral";

    private static readonly Lazy<Task<JsonObject>> MainTemplate = new(async () => (await BicepCli.BuildAsync(DeploymentFiles.MainBicep)).Template);

    private static readonly Lazy<Task<DeploymentSnapshot>> DefaultSnapshot = new(() => EvaluateAsync(new AzdEnvironment()));

    /// <summary>The deployment of a fresh azd environment with nothing but the values azd itself sets.</summary>
    public static Task<DeploymentSnapshot> DefaultAsync() => DefaultSnapshot.Value;

    /// <summary>The compiled infra/main.bicep (every module nested in it).</summary>
    public static Task<JsonObject> MainTemplateAsync() => MainTemplate.Value;

    /// <summary>Evaluates <c>azd provision</c> in <paramref name="environment"/> (which keeps generated values, as azd's does).</summary>
    public static async Task<DeploymentSnapshot> EvaluateAsync(AzdEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var template = await MainTemplateAsync();
        var values = ResolveParameterFile(environment.Values);
        foreach (var (name, declaration) in template["parameters"]!.AsObject())
        {
            if (values.ContainsKey(name) || declaration!["defaultValue"] is not null)
            {
                continue;
            }

            if (!environment.Config.TryGetValue(name, out var stored))
            {
                var azd = declaration["metadata"]?["azd"];
                if ((string?)azd?["type"] != "generate")
                {
                    throw new InvalidOperationException($"azd would prompt for required parameter '{name}': it has no default, no value in main.parameters.json and no azd metadata that generates one.");
                }

                stored = Generate((int?)azd["config"]?["length"] ?? 16);
                environment.Config[name] = stored;
            }

            values[name] = stored;
        }

        var folder = Directory.CreateTempSubdirectory("shipyard-bicep-");
        try
        {
            var parameterFile = Path.Combine(folder.FullName, "main.bicepparam");
            await File.WriteAllTextAsync(parameterFile, BicepParam(parameterFile, template, values));
            var location = environment.Values.GetValueOrDefault("AZURE_LOCATION", DefaultLocation);
            return new DeploymentSnapshot(await BicepCli.SnapshotAsync(parameterFile, SubscriptionId, TenantId, location), values);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    // main.parameters.json with azd's substitution: ${NAME} is the environment value (empty when unset), ${NAME=x} is x when unset.
    private static Dictionary<string, string> ResolveParameterFile(Dictionary<string, string> environment)
    {
        var parameters = JsonNode.Parse(DeploymentFiles.Read(DeploymentFiles.MainParameters))!["parameters"]!.AsObject();
        return parameters.ToDictionary(
            p => p.Key,
            p => SubstitutionPattern().Replace((string)p.Value!["value"]!, m =>
                environment.TryGetValue(m.Groups["name"].Value, out var value) ? value : m.Groups["default"].Value),
            StringComparer.Ordinal);
    }

    private static string BicepParam(string parameterFile, JsonObject template, Dictionary<string, string> values)
    {
        // `using` takes a relative path only.
        var main = Path.GetRelativePath(Path.GetDirectoryName(parameterFile)!, DeploymentFiles.MainBicep).Replace('\\', '/');
        var text = new StringBuilder($"using '{main}'\n");
        foreach (var (name, value) in values)
        {
            var type = ((string?)template["parameters"]![name]?["type"] ?? "string").ToLowerInvariant();
            var literal = type switch
            {
                "int" => long.Parse(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
                "bool" => bool.Parse(value) ? "true" : "false",
                _ => "'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal).Replace("${", "\\${", StringComparison.Ordinal) + "'",
            };
            text.Append(CultureInfo.InvariantCulture, $"param {name} = {literal}\n");
        }

        return text.ToString();
    }

    // azd's generated values (config noSpecial): letters and digits.
    private static string Generate(int length)
    {
        const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        return RandomNumberGenerator.GetString(Alphabet, length);
    }

    [GeneratedRegex(@"\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(?:=(?<default>[^}]*))?\}")]
    private static partial Regex SubstitutionPattern();
}

/// <summary>
/// An azd environment: <see cref="Values"/> as in <c>.azure/&lt;env&gt;/.env</c> (azd sets the first three itself) and
/// <see cref="Config"/> as the <c>infra.parameters</c> section of its config.json.
/// </summary>
internal sealed class AzdEnvironment
{
    public Dictionary<string, string> Values { get; } = new(StringComparer.Ordinal)
    {
        ["AZURE_ENV_NAME"] = "shipyard-ci",
        ["AZURE_LOCATION"] = AzdProvision.DefaultLocation,
        ["AZURE_PRINCIPAL_ID"] = AzdProvision.PrincipalId,
    };

    public Dictionary<string, string> Config { get; } = new(StringComparer.Ordinal);

    /// <summary>This environment with <paramref name="name"/> set (azd env set).</summary>
    public AzdEnvironment With(string name, string value)
    {
        Values[name] = value;
        return this;
    }
}
