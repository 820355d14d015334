using System.Text.Json;
using Xunit;

namespace Shipyard.Tests.Monitoring;

/// <summary>
/// Compares a drift JSON document with a scipy expected.json under the issue's tolerances: statistics and
/// distances within 1e-6 relative, p-values within 1e-3 absolute, every flag and kind equal, same keys.
/// </summary>
public static class ReferenceCaseAssert
{
    public const double RelativeTolerance = 1e-6;
    public const double PValueTolerance = 1e-3;

    public static void Equivalent(JsonElement expected, JsonElement actual, string path = "$")
    {
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                Assert.Equal(JsonValueKind.Object, actual.ValueKind);
                var expectedKeys = expected.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();
                var actualKeys = actual.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();
                Assert.True(expectedKeys.SequenceEqual(actualKeys), $"{path}: keys [{string.Join(",", actualKeys)}], expected [{string.Join(",", expectedKeys)}]");
                foreach (var property in expected.EnumerateObject())
                {
                    Equivalent(property.Value, actual.GetProperty(property.Name), $"{path}.{property.Name}");
                }

                break;
            case JsonValueKind.Array:
                Assert.Equal(JsonValueKind.Array, actual.ValueKind);
                Assert.Equal(expected.GetArrayLength(), actual.GetArrayLength());
                for (var i = 0; i < expected.GetArrayLength(); i++)
                {
                    Equivalent(expected[i], actual[i], $"{path}[{i}]");
                }

                break;
            case JsonValueKind.Number:
                Assert.True(actual.ValueKind == JsonValueKind.Number, $"{path}: expected a number, got {actual.ValueKind}");
                Close(expected.GetDouble(), actual.GetDouble(), path);
                break;
            default:
                Assert.True(expected.ValueKind == actual.ValueKind && expected.ToString() == actual.ToString(), $"{path}: expected {expected}, got {actual}");
                break;
        }
    }

    public static void Close(double expected, double actual, string path)
    {
        if (path.EndsWith(".pValue", StringComparison.Ordinal))
        {
            Assert.True(Math.Abs(expected - actual) <= PValueTolerance, $"{path}: p-value {actual}, scipy {expected}");
        }
        else
        {
            var scale = Math.Max(Math.Abs(expected), 1e-12);
            Assert.True(Math.Abs(expected - actual) <= RelativeTolerance * scale, $"{path}: {actual}, scipy {expected} (relative error {Math.Abs(expected - actual) / scale:E2})");
        }
    }
}
