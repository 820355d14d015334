namespace Shipyard.Models;

/// <summary>A canary: <see cref="Percent"/> percent of unpinned requests go to <see cref="Version"/> (routing.json <c>canary</c>).</summary>
/// <param name="Version">The canary version.</param>
/// <param name="Percent">Share of traffic, 0–100 (fractions allowed, resolution 0.01).</param>
public sealed record CanaryRoute(string Version, double Percent);
