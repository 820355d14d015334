using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Shipyard.Tests.Onnx.Protobuf;

namespace Shipyard.Tests.Onnx.Conformance;

/// <summary>
/// One ONNX backend node test (a folder with model.onnx and test_data_set_*/input_N.pb, output_N.pb) run through the
/// official ONNX Runtime package, with the tolerances of the ONNX backend test runner
/// (onnx/backend/test/runner: np.testing.assert_allclose(rtol=1e-3, atol=1e-7)).
/// </summary>
internal static class BackendNodeCase
{
    private const double RelativeTolerance = 1e-3;
    private const double AbsoluteTolerance = 1e-7;

    /// <summary>The operator types of a model's main graph (ModelProto.graph = 7, GraphProto.node = 1, NodeProto.op_type = 4).</summary>
    public static IReadOnlySet<string> OperatorsOf(string modelPath)
    {
        var operators = new HashSet<string>(StringComparer.Ordinal);
        var model = new ProtoReader(File.ReadAllBytes(modelPath));
        while (model.Next())
        {
            if (model.Field != 7)
            {
                model.Skip();
                continue;
            }

            var graph = new ProtoReader(model.LengthDelimited());
            while (graph.Next())
            {
                if (graph.Field != 1)
                {
                    graph.Skip();
                    continue;
                }

                var node = new ProtoReader(graph.LengthDelimited());
                while (node.Next())
                {
                    if (node.Field == 4)
                    {
                        operators.Add(System.Text.Encoding.UTF8.GetString(node.LengthDelimited()));
                    }
                    else
                    {
                        node.Skip();
                    }
                }
            }
        }

        return operators;
    }

    public static CaseResult Run(string folder)
    {
        var name = Path.GetFileName(folder);
        InferenceSession session;
        try
        {
            using var options = new SessionOptions { IntraOpNumThreads = 1 };
            session = new InferenceSession(Path.Combine(folder, "model.onnx"), options);
        }
        catch (OnnxRuntimeException error)
        {
            return CaseResult.Fail(name, "load", error.Message);
        }

        using (session)
        {
            foreach (var dataSet in Directory.GetDirectories(folder, "test_data_set_*").Order(StringComparer.Ordinal))
            {
                var failure = RunDataSet(session, dataSet);
                if (failure is not null)
                {
                    return CaseResult.Fail(name, failure.Value.Stage, failure.Value.Detail);
                }
            }

            return CaseResult.Pass(name);
        }
    }

    private static (string Stage, string Detail)? RunDataSet(InferenceSession session, string dataSet)
    {
        var inputs = Numbered(dataSet, "input_").Select(TensorProtoFile.Read).ToArray();
        var expected = Numbered(dataSet, "output_").Select(TensorProtoFile.Read).ToArray();
        var inputNames = inputs.Select((p, i) => session.InputNames.Contains(p.Name) ? p.Name : session.InputNames[i]).ToArray();
        var outputNames = expected.Select((p, i) => session.OutputNames.Contains(p.Name) ? p.Name : session.OutputNames[i]).ToArray();
        var values = inputs.Select((p, i) => CreateValue(p, session.InputMetadata[inputNames[i]].ElementDataType)).ToArray();
        try
        {
            using var results = session.Run(new RunOptions(), inputNames, values, outputNames);
            for (var i = 0; i < expected.Length; i++)
            {
                var mismatch = Compare(expected[i], results[i]);
                if (mismatch is not null)
                {
                    return ("mismatch", $"{Path.GetFileName(dataSet)} output '{outputNames[i]}': {mismatch}");
                }
            }

            return null;
        }
        catch (OnnxRuntimeException error)
        {
            return ("run", error.Message);
        }
        finally
        {
            foreach (var value in values)
            {
                value.Dispose();
            }
        }
    }

    private static string[] Numbered(string dataSet, string prefix) =>
        Directory.GetFiles(dataSet, prefix + "*.pb")
            .OrderBy(f => int.Parse(Path.GetFileNameWithoutExtension(f)[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture))
            .ToArray();

    /// <summary>ONNX 1.12's test data stores bfloat16 tensors as uint16 (same bits): such data feeds a bfloat16 input as is.</summary>
    private static bool SameBits(TensorElementType stored, TensorElementType actual) =>
        stored == actual || (stored == TensorElementType.UInt16 && actual == TensorElementType.BFloat16);

    private static OrtValue CreateValue(TensorProtoFile proto, TensorElementType inputType)
    {
        if (proto.ElementType == TensorElementType.String)
        {
            var value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, proto.Dims);
            for (var i = 0; i < proto.Strings.Length; i++)
            {
                value.StringTensorSetElementAt(proto.Strings[i].AsSpan(), i);
            }

            return value;
        }

        var tensor = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, SameBits(proto.ElementType, inputType) ? inputType : proto.ElementType, proto.Dims);
        proto.Data.CopyTo(tensor.GetTensorMutableRawData());
        return tensor;
    }

    private static string? Compare(TensorProtoFile expected, OrtValue actual)
    {
        var info = actual.GetTensorTypeAndShape();
        if (!SameBits(expected.ElementType, info.ElementDataType))
        {
            return $"element type {info.ElementDataType}, expected {expected.ElementType}";
        }

        if (!info.Shape.SequenceEqual(expected.Dims))
        {
            return $"shape [{string.Join(",", info.Shape)}], expected [{string.Join(",", expected.Dims)}]";
        }

        return expected.ElementType switch
        {
            TensorElementType.String => CompareExact(expected.Strings, actual.GetStringTensorAsArray()),
            TensorElementType.Float => CompareClose([.. MemoryMarshal.Cast<byte, float>(expected.Data).ToArray().Select(v => (double)v)], [.. actual.GetTensorDataAsSpan<float>().ToArray().Select(v => (double)v)]),
            TensorElementType.Double => CompareClose(MemoryMarshal.Cast<byte, double>(expected.Data).ToArray(), actual.GetTensorDataAsSpan<double>().ToArray()),
            TensorElementType.Float16 => CompareClose([.. MemoryMarshal.Cast<byte, Half>(expected.Data).ToArray().Select(v => (double)v)], [.. MemoryMarshal.Cast<byte, Half>(actual.GetTensorMutableRawData()).ToArray().Select(v => (double)v)]),
            _ => CompareBytes(expected.Data, actual.GetTensorMutableRawData().ToArray()),
        };
    }

    private static string? CompareClose(double[] expected, double[] actual)
    {
        for (var i = 0; i < expected.Length; i++)
        {
            var (e, a) = (expected[i], actual[i]);
            if ((double.IsNaN(e) && double.IsNaN(a)) || e == a)
            {
                continue;
            }

            if (!(Math.Abs(a - e) <= AbsoluteTolerance + (RelativeTolerance * Math.Abs(e))))
            {
                return $"element {i}: {a:R}, expected {e:R} (rtol {RelativeTolerance}, atol {AbsoluteTolerance})";
            }
        }

        return null;
    }

    private static string? CompareBytes(byte[] expected, byte[] actual)
    {
        var index = expected.AsSpan().CommonPrefixLength(actual);
        return index == expected.Length && actual.Length == expected.Length ? null : $"differs at byte {index}";
    }

    private static string? CompareExact(string[] expected, string[] actual)
    {
        for (var i = 0; i < expected.Length; i++)
        {
            if (!string.Equals(expected[i], actual[i], StringComparison.Ordinal))
            {
                return $"element {i}: '{actual[i]}', expected '{expected[i]}'";
            }
        }

        return null;
    }
}
