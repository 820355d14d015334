using System.Runtime.InteropServices;

namespace Shipyard.Onnx.Tests.Conformance;

/// <summary>One ONNX backend node test (a folder with model.onnx and test_data_set_*/input_N.pb, output_N.pb) run through Shipyard.Onnx.</summary>
internal static class BackendNodeCase
{
    // Tolerances of the ONNX backend test runner (onnx/backend/test/runner: np.testing.assert_allclose(rtol=1e-3, atol=1e-7)).
    private const double RelativeTolerance = 1e-3;
    private const double AbsoluteTolerance = 1e-7;

    public static CaseResult Run(string folder)
    {
        var name = Path.GetFileName(folder);
        InferenceSession session;
        try
        {
            session = InferenceSession.Create(Path.Combine(folder, "model.onnx"), new OrtSessionOptions { IntraOpThreads = 1 });
        }
        catch (OnnxRuntimeException error)
        {
            return CaseResult.LoadFailed(name, error);
        }

        using (session)
        {
            var unsupported = session.Inputs.Concat(session.Outputs).FirstOrDefault(n => n.ValueType != OrtValueType.Tensor);
            if (unsupported is not null)
            {
                return CaseResult.Skip(name, "non-tensor graph input/output", $"{unsupported.Name}: {unsupported.TypeName}");
            }

            var unmapped = session.Inputs.Concat(session.Outputs).FirstOrDefault(n => n.ElementType != TensorElementType.String && Internals.TensorTypes.SizeOf(n.ElementType) == 0);
            if (unmapped is not null)
            {
                return CaseResult.Skip(name, "element type without a managed mapping", $"{unmapped.Name}: {unmapped.TypeName}");
            }

            foreach (var dataSet in Directory.GetDirectories(folder, "test_data_set_*").Order(StringComparer.Ordinal))
            {
                var outcome = RunDataSet(session, dataSet);
                if (outcome is not null)
                {
                    return outcome with { Name = name };
                }
            }

            return CaseResult.Pass(name);
        }
    }

    private static CaseResult? RunDataSet(InferenceSession session, string dataSet)
    {
        var inputFiles = Numbered(dataSet, "input_");
        var outputFiles = Numbered(dataSet, "output_");
        var inputs = new List<OrtValue>();
        try
        {
            var named = new List<NamedOrtValue>();
            for (var i = 0; i < inputFiles.Length; i++)
            {
                var proto = TensorProtoFile.Read(inputFiles[i]);
                var inputName = session.Inputs.Any(n => n.Name == proto.Name) ? proto.Name : session.Inputs[i].Name;
                var value = CreateValue(proto);
                inputs.Add(value);
                named.Add(new NamedOrtValue(inputName, value));
            }

            var expected = outputFiles.Select(TensorProtoFile.Read).ToArray();
            var outputNames = expected.Select((e, i) => session.Outputs.Any(n => n.Name == e.Name) ? e.Name : session.Outputs[i].Name).ToArray();
            OrtValueCollection results;
            try
            {
                results = session.Run(named.ToArray(), outputNames);
            }
            catch (OnnxRuntimeException error)
            {
                return CaseResult.RunFailed("", error);
            }

            using (results)
            {
                for (var i = 0; i < expected.Length; i++)
                {
                    var mismatch = Compare(expected[i], results[i]);
                    if (mismatch is not null)
                    {
                        return CaseResult.Mismatch("", $"{Path.GetFileName(dataSet)} output '{outputNames[i]}': {mismatch}");
                    }
                }
            }

            return null;
        }
        finally
        {
            inputs.ForEach(v => v.Dispose());
        }
    }

    private static string[] Numbered(string dataSet, string prefix) =>
        Directory.GetFiles(dataSet, prefix + "*.pb")
            .OrderBy(f => int.Parse(Path.GetFileNameWithoutExtension(f)[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture))
            .ToArray();

    private static OrtValue CreateValue(TensorProtoFile proto) => proto.ElementType switch
    {
        TensorElementType.String => OrtValue.CreateStringTensor(proto.Strings, proto.Dims),
        TensorElementType.Float => Tensor<float>(proto),
        TensorElementType.Double => Tensor<double>(proto),
        TensorElementType.Int64 => Tensor<long>(proto),
        TensorElementType.Int32 => Tensor<int>(proto),
        TensorElementType.Int16 => Tensor<short>(proto),
        TensorElementType.Int8 => Tensor<sbyte>(proto),
        TensorElementType.UInt8 => Tensor<byte>(proto),
        TensorElementType.UInt16 => Tensor<ushort>(proto),
        TensorElementType.UInt32 => Tensor<uint>(proto),
        TensorElementType.UInt64 => Tensor<ulong>(proto),
        TensorElementType.Bool => Tensor<bool>(proto),
        TensorElementType.Float16 => Tensor<Half>(proto),
        _ => throw new NotSupportedException($"input element type {proto.ElementType}"),
    };

    private static OrtValue Tensor<T>(TensorProtoFile proto)
        where T : unmanaged => OrtValue.CreateTensor<T>(MemoryMarshal.Cast<byte, T>(proto.Data).ToArray(), proto.Dims);

    private static string? Compare(TensorProtoFile expected, OrtValue actual)
    {
        if (actual.ElementType != expected.ElementType)
        {
            return $"element type {actual.ElementType}, expected {expected.ElementType}";
        }

        if (!actual.Shape.SequenceEqual(expected.Dims))
        {
            return $"shape [{string.Join(",", actual.Shape.ToArray())}], expected [{string.Join(",", expected.Dims)}]";
        }

        return expected.ElementType switch
        {
            TensorElementType.String => CompareExact(expected.Strings, actual.ReadStrings()),
            TensorElementType.Float => CompareClose(MemoryMarshal.Cast<byte, float>(expected.Data).ToArray().Select(v => (double)v).ToArray(), actual.GetTensorData<float>().ToArray().Select(v => (double)v).ToArray()),
            TensorElementType.Double => CompareClose(MemoryMarshal.Cast<byte, double>(expected.Data).ToArray(), actual.GetTensorData<double>().ToArray()),
            TensorElementType.Float16 => CompareClose(MemoryMarshal.Cast<byte, Half>(expected.Data).ToArray().Select(v => (double)v).ToArray(), actual.GetTensorData<Half>().ToArray().Select(v => (double)v).ToArray()),
            TensorElementType.Bool => CompareBytes(expected.Data, actual.GetTensorData<bool>().ToArray().Select(b => b ? (byte)1 : (byte)0).ToArray()),
            _ => CompareBytes(expected.Data, MemoryMarshal.AsBytes(RawSpan(actual)).ToArray()),
        };
    }

    private static ReadOnlySpan<byte> RawSpan(OrtValue actual) => actual.ElementType switch
    {
        TensorElementType.Int64 => MemoryMarshal.AsBytes(actual.GetTensorData<long>()),
        TensorElementType.Int32 => MemoryMarshal.AsBytes(actual.GetTensorData<int>()),
        TensorElementType.Int16 => MemoryMarshal.AsBytes(actual.GetTensorData<short>()),
        TensorElementType.Int8 => MemoryMarshal.AsBytes(actual.GetTensorData<sbyte>()),
        TensorElementType.UInt8 => actual.GetTensorData<byte>(),
        TensorElementType.UInt16 => MemoryMarshal.AsBytes(actual.GetTensorData<ushort>()),
        TensorElementType.UInt32 => MemoryMarshal.AsBytes(actual.GetTensorData<uint>()),
        TensorElementType.UInt64 => MemoryMarshal.AsBytes(actual.GetTensorData<ulong>()),
        _ => throw new NotSupportedException($"output element type {actual.ElementType}"),
    };

    private static string? CompareClose(double[] expected, double[] actual)
    {
        for (var i = 0; i < expected.Length; i++)
        {
            var e = expected[i];
            var a = actual[i];
            if (double.IsNaN(e) && double.IsNaN(a))
            {
                continue;
            }

            if (e == a)
            {
                continue; // includes equal infinities
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
