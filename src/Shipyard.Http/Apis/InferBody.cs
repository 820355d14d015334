using System.Globalization;
using System.Text.Json;
using Shipyard.Http.Errors;
using Shipyard.Scoring;

namespace Shipyard.Http.Apis;

/// <summary>Reads an Open Inference Protocol infer body into <see cref="InferRequest"/>, naming every structural problem.</summary>
internal static class InferBody
{
    private static readonly HashSet<string> TopLevel = ["id", "inputs", "outputs", "parameters"];
    private static readonly HashSet<string> TensorFields = ["name", "shape", "datatype", "data", "parameters"];

    /// <summary>Parses <paramref name="root"/>.</summary>
    /// <exception cref="RequestRejectedException">400 listing every problem; 413 when a tensor has more than <paramref name="maxRows"/> rows.</exception>
    public static (InferRequest Request, string? RequestKey) Parse(JsonElement root, int maxRows)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw RequestRejectedException.Invalid([$"body: expected a JSON object {{\"inputs\":[…]}}, got {UserText.Describe(root.ValueKind)}."]);
        }

        var errors = new List<string>();
        foreach (var property in root.EnumerateObject())
        {
            if (!TopLevel.Contains(property.Name))
            {
                errors.Add($"{UserText.Shorten(property.Name)}: unknown field; expected id, inputs, outputs, parameters.");
            }
        }

        string? id = null;
        if (root.TryGetProperty("id", out var idElement))
        {
            if (idElement.ValueKind == JsonValueKind.String)
            {
                id = idElement.GetString();
            }
            else
            {
                errors.Add($"id: expected a string, got {UserText.Describe(idElement.ValueKind)}.");
            }
        }

        var inputs = new List<InferInputTensor>();
        if (!root.TryGetProperty("inputs", out var inputsElement))
        {
            errors.Add("inputs: required; send {\"inputs\":[{\"name\",\"shape\",\"datatype\",\"data\"}]}.");
        }
        else if (inputsElement.ValueKind != JsonValueKind.Array || inputsElement.GetArrayLength() == 0)
        {
            errors.Add($"inputs: expected a non-empty array of tensors, got {UserText.Describe(inputsElement.ValueKind)}.");
        }
        else
        {
            var i = 0;
            CheckInputs(inputsElement.GetArrayLength());
            foreach (var tensor in inputsElement.EnumerateArray())
            {
                if (RequestRejectedException.Enough(errors))
                {
                    break; // as many problems as an answer lists
                }

                if (ParseTensor(tensor, $"inputs[{i}]", errors, maxRows) is { } parsed)
                {
                    inputs.Add(parsed);
                }

                i++;
            }
        }

        string? requestKey = null;
        if (root.TryGetProperty("parameters", out var parameters))
        {
            if (parameters.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"parameters: expected an object, got {UserText.Describe(parameters.ValueKind)}.");
            }
            else if (parameters.TryGetProperty(KServeRequestKey.Parameter, out var key))
            {
                if (key.ValueKind == JsonValueKind.String)
                {
                    requestKey = key.GetString();
                }
                else
                {
                    errors.Add($"parameters.{KServeRequestKey.Parameter}: expected a string, got {UserText.Describe(key.ValueKind)}.");
                }
            }
        }

        List<InferRequestedOutput>? outputs = null;
        if (root.TryGetProperty("outputs", out var outputsElement))
        {
            if (outputsElement.ValueKind != JsonValueKind.Array)
            {
                errors.Add($"outputs: expected an array of {{\"name\":…}}, got {UserText.Describe(outputsElement.ValueKind)}.");
            }
            else
            {
                outputs = [];
                var i = 0;
                foreach (var output in outputsElement.EnumerateArray())
                {
                    if (output.ValueKind == JsonValueKind.Object && output.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String)
                    {
                        outputs.Add(new InferRequestedOutput(n.GetString()!));
                    }
                    else
                    {
                        errors.Add($"outputs[{i}].name: required string.");
                    }

                    i++;
                }
            }
        }

        if (errors.Count > 0)
        {
            throw RequestRejectedException.Invalid(errors);
        }

        return (new InferRequest { Id = id, Inputs = inputs, Outputs = outputs }, requestKey);
    }

    private static InferInputTensor? ParseTensor(JsonElement tensor, string path, List<string> errors, int maxRows)
    {
        if (tensor.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{path}: expected a tensor object, got {UserText.Describe(tensor.ValueKind)}.");
            return null;
        }

        var before = errors.Count;
        foreach (var property in tensor.EnumerateObject())
        {
            if (!TensorFields.Contains(property.Name))
            {
                errors.Add($"{path}.{UserText.Shorten(property.Name)}: unknown field; expected name, shape, datatype, data, parameters.");
            }
        }

        var name = RequiredString(tensor, "name", path, errors);
        var datatype = RequiredString(tensor, "datatype", path, errors);
        var shape = new List<long>();
        if (!tensor.TryGetProperty("shape", out var shapeElement))
        {
            errors.Add($"{path}.shape: required.");
        }
        else if (shapeElement.ValueKind != JsonValueKind.Array || shapeElement.GetArrayLength() == 0)
        {
            errors.Add($"{path}.shape: expected a non-empty array of non-negative integers.");
        }
        else
        {
            var d = 0;
            foreach (var dim in shapeElement.EnumerateArray())
            {
                if (dim.ValueKind == JsonValueKind.Number && dim.TryGetInt64(out var value) && value >= 0)
                {
                    shape.Add(value);
                }
                else
                {
                    errors.Add($"{path}.shape[{d}]: expected a non-negative integer.");
                }

                d++;
            }
        }

        if (!tensor.TryGetProperty("data", out var data))
        {
            errors.Add($"{path}.data: required.");
        }
        else if (data.ValueKind != JsonValueKind.Array)
        {
            errors.Add($"{path}.data: expected an array, got {UserText.Describe(data.ValueKind)}.");
        }

        if (errors.Count > before)
        {
            return null;
        }

        CheckRows(path, shape[0], maxRows);
        return new InferInputTensor { Name = name!, Datatype = datatype!, Shape = shape, Data = data };
    }

    /// <summary>The most input tensors one request may carry. A per-feature request has one per feature; past this a
    /// request costs the server far more memory than its bytes (each tensor becomes an object), so it is refused.</summary>
    public const int MaxInputs = 65_536;

    /// <summary>Refuses a request with more than <see cref="MaxInputs"/> input tensors (413), before they are read.</summary>
    /// <exception cref="RequestRejectedException">413 naming the limit.</exception>
    public static void CheckInputs(int count)
    {
        if (count > MaxInputs)
        {
            throw new RequestRejectedException(
                StatusCodes.Status413PayloadTooLarge,
                "Too many inputs.",
                [string.Create(CultureInfo.InvariantCulture, $"inputs: {count} tensors exceed the limit of {MaxInputs} per request; send the model's features as one [N, F] tensor.")]);
        }
    }

    /// <summary>The request-size limit on rows, checked before the tensor's data is read (any transport).</summary>
    /// <exception cref="RequestRejectedException">413 when <paramref name="rows"/> exceeds <paramref name="maxRows"/>.</exception>
    public static void CheckRows(string path, long rows, int maxRows)
    {
        if (rows > maxRows)
        {
            throw new RequestRejectedException(
                StatusCodes.Status413PayloadTooLarge,
                "Too many instances.",
                [$"{path}.shape[0]: {rows} rows exceed the limit of {maxRows} per request (Shipyard:Http:MaxInstancesPerRequest)."]);
        }
    }

    private static string? RequiredString(JsonElement tensor, string field, string path, List<string> errors)
    {
        if (tensor.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text)
        {
            return text;
        }

        errors.Add($"{path}.{field}: required non-empty string.");
        return null;
    }
}
