using System.Net;
using System.Text.Json;
using Xunit;

namespace Shipyard.Server.Tests.Infrastructure;

/// <summary>Assertions on responses: status plus problem+json shape.</summary>
public static class HttpAssert
{
    /// <summary>Asserts <paramref name="status"/>, <c>application/problem+json</c> with that status, and returns the body.</summary>
    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement.Clone();
        Assert.Equal((int)status, root.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("title").GetString()));
        return root;
    }

    /// <summary>The <c>errors</c> list of a problem (empty when absent).</summary>
    public static IReadOnlyList<string> Errors(JsonElement problem) =>
        problem.TryGetProperty("errors", out var errors) ? [.. errors.EnumerateArray().Select(e => e.GetString()!)] : [];

    /// <summary>Asserts success and returns the JSON body.</summary>
    public static async Task<JsonElement> OkJsonAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
