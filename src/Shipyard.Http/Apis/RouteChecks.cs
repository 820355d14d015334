using Microsoft.AspNetCore.Http.HttpResults;
using Shipyard.Http.Errors;
using Shipyard.Models;

namespace Shipyard.Http.Apis;

/// <summary>Checks of user-supplied route values before they reach the registry (names end up in blob paths).</summary>
internal static class RouteChecks
{
    /// <summary>Every problem with <paramref name="name"/> and <paramref name="version"/> (when given), field first; empty when valid.</summary>
    public static List<string> Check(string name, string? version = null)
    {
        var errors = new List<string>(2);
        if (!ModelManifest.IsValidName(name))
        {
            errors.Add($"name: '{UserText.Shorten(name)}' is not a valid model name (lowercase letters, digits and '-', 1-64 characters, starting with a letter or digit).");
        }

        if (version is not null && !ModelManifest.IsValidVersion(version))
        {
            errors.Add($"version: '{UserText.Shorten(version)}' is not a valid version (a positive integer without leading zeros, such as \"1\").");
        }

        return errors;
    }

    /// <summary>A 400 naming every problem with <paramref name="name"/> and <paramref name="version"/>, or null when both are valid.</summary>
    public static ProblemHttpResult? Problem(string name, string? version = null) =>
        IsValid(name, version) ? null : Problems.Invalid(Check(name, version));

    /// <summary>Whether <paramref name="name"/> and <paramref name="version"/> (when given) are valid: the usual case, on
    /// every prediction, checked without allocating (<see cref="Check"/> then names the problems).</summary>
    public static bool IsValid(string name, string? version = null) =>
        ModelManifest.IsValidName(name) && (version is null || ModelManifest.IsValidVersion(version));
}
