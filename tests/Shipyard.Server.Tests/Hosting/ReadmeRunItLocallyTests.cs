using System.Text.RegularExpressions;
using Shipyard.Server.Tests.Infrastructure;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Server.Tests.Hosting;

/// <summary>README.md "Run it locally": the curl calls shown there work against the app as `dotnet run` starts it (Development).</summary>
public sealed partial class ReadmeRunItLocallyTests
{
    [Fact]
    public async Task CurlExamples_AnswerAsDocumented()
    {
        var section = Section(File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md")), "## Run it locally");
        Assert.Contains("dotnet run --project src/Shipyard.Server", section, StringComparison.Ordinal);
        var body = PredictBody().Match(section);
        Assert.True(body.Success, "README shows a predict call with -d '<json>'");
        using var app = new ShipyardApplicationFactory(environment: "Development");
        using var client = await app.CreateReadyClientAsync(key: null);

        using var health = await client.GetAsync(new Uri("/api/health", UriKind.Relative));
        using var predict = await client.PostAsync(new Uri("/api/models/diabetes/predict", UriKind.Relative), Json.Raw(body.Groups["json"].Value.Replace("\\\n", string.Empty, StringComparison.Ordinal)));

        await HttpAssert.OkJsonAsync(health);
        var answer = await HttpAssert.OkJsonAsync(predict);
        Assert.Equal(System.Text.Json.JsonValueKind.Number, answer.GetProperty("predictions")[0].GetProperty("value").ValueKind);
    }

    private static string Section(string markdown, string heading)
    {
        var start = markdown.IndexOf(heading, StringComparison.Ordinal);
        Assert.True(start >= 0, $"README has '{heading}'");
        var end = markdown.IndexOf("\n## ", start + heading.Length, StringComparison.Ordinal);
        return end < 0 ? markdown[start..] : markdown[start..end];
    }

    [GeneratedRegex(@"/api/models/diabetes/predict[^\n]*\\\n\s*-d '(?<json>[^']+)'")]
    private static partial Regex PredictBody();
}
