using System.Text;
using System.Text.Json.Nodes;
using Shipyard.Models;

namespace Shipyard.Tests.Models;

/// <summary>Small valid manifests for tests to mutate.</summary>
internal static class TestManifests
{
    /// <summary>A valid binary classifier manifest with three float features, as a mutable JSON tree.</summary>
    public static JsonObject Classifier() => new()
    {
        ["name"] = "toy",
        ["version"] = "1",
        ["task"] = "binary-classification",
        ["features"] = new JsonArray(
            new JsonObject { ["name"] = "a", ["type"] = "float", ["required"] = true, ["min"] = 0.0, ["max"] = 10.0 },
            new JsonObject { ["name"] = "b", ["type"] = "int", ["required"] = true },
            new JsonObject { ["name"] = "c", ["type"] = "string", ["required"] = false, ["categories"] = new JsonArray("x", "y") }),
        ["onnx"] = new JsonObject
        {
            ["inputs"] = new JsonArray(
                new JsonObject { ["name"] = "num", ["elementType"] = "float", ["features"] = new JsonArray("a", "b") },
                new JsonObject { ["name"] = "cat", ["elementType"] = "string", ["features"] = new JsonArray("c") }),
            ["outputs"] = new JsonObject { ["label"] = "label", ["probabilities"] = "probabilities" },
        },
        ["labels"] = new JsonArray("no", "yes"),
        ["sha256"] = new string('a', 64),
    };

    public static ModelManifest Parse(JsonNode node) => ModelManifest.Parse(Encoding.UTF8.GetBytes(node.ToJsonString()));
}
