using System.Text.Json;
using Shipyard.Http.Errors;

namespace Shipyard.Http.Apis;

/// <summary>The envelope of a predict body, <c>{"instances":[{…},…]}</c>, checked when the body is not read by the fast path (<see cref="PredictBodyInstances"/>), before each instance is validated.</summary>
internal static class PredictBody
{
    /// <summary>The <c>instances</c> array of <paramref name="root"/>.</summary>
    /// <exception cref="RequestRejectedException">400 naming every envelope problem; 413 when there are more than <paramref name="maxInstances"/>.</exception>
    public static JsonElement Instances(JsonElement root, int maxInstances)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw RequestRejectedException.Invalid([$"body: expected a JSON object {{\"instances\":[…]}}, got {UserText.Describe(root.ValueKind)}."]);
        }

        var errors = new List<string>();
        JsonElement? instances = null;
        foreach (var property in root.EnumerateObject())
        {
            if (property.NameEquals("instances"))
            {
                instances = property.Value;
            }
            else
            {
                errors.Add($"{UserText.Shorten(property.Name)}: unknown field; the body has only \"instances\".");
            }
        }

        switch (instances)
        {
            case null:
                errors.Insert(0, "instances: required; send {\"instances\":[{\"<feature>\": value, …}]}.");
                break;
            case { ValueKind: not JsonValueKind.Array } other:
                errors.Insert(0, $"instances: expected an array of objects, got {UserText.Describe(other.ValueKind)}.");
                break;
            case { } array when array.GetArrayLength() == 0:
                errors.Insert(0, "instances: expected at least one instance.");
                break;
            case { } array when array.GetArrayLength() > maxInstances:
                throw new RequestRejectedException(
                    StatusCodes.Status413PayloadTooLarge,
                    "Too many instances.",
                    [$"instances: {array.GetArrayLength()} instances exceed the limit of {maxInstances} per request (Shipyard:Http:MaxInstancesPerRequest)."]);
        }

        if (errors.Count > 0)
        {
            throw RequestRejectedException.Invalid(errors);
        }

        return instances!.Value;
    }
}
