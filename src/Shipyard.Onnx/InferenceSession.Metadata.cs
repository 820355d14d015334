using Shipyard.Onnx.Internals;

namespace Shipyard.Onnx;

public sealed unsafe partial class InferenceSession
{
    private NodeMetadata[] ReadNodes(bool isInput)
    {
        var api = OrtNative.Api;
        var session = _handle.DangerousGetHandle();
        nuint count;
        OrtNative.ThrowIfFailed(isInput ? api->SessionGetInputCount(session, &count) : api->SessionGetOutputCount(session, &count));
        var nodes = new NodeMetadata[(int)count];
        for (nuint i = 0; i < count; i++)
        {
            byte* rawName;
            OrtNative.ThrowIfFailed(isInput
                ? api->SessionGetInputName(session, i, OrtNative.Allocator, &rawName)
                : api->SessionGetOutputName(session, i, OrtNative.Allocator, &rawName));
            var name = OrtNative.TakeAllocatedString(rawName);
            nint typeInfo;
            OrtNative.ThrowIfFailed(isInput
                ? api->SessionGetInputTypeInfo(session, i, &typeInfo)
                : api->SessionGetOutputTypeInfo(session, i, &typeInfo));
            try
            {
                nodes[(int)i] = DescribeNode(name, typeInfo);
            }
            finally
            {
                api->ReleaseTypeInfo(typeInfo);
            }
        }

        return nodes;
    }

    private static NodeMetadata DescribeNode(string name, nint typeInfo)
    {
        var api = OrtNative.Api;
        int onnxType;
        OrtNative.ThrowIfFailed(api->GetOnnxTypeFromTypeInfo(typeInfo, &onnxType));
        var valueType = (OrtValueType)onnxType;
        if (valueType != OrtValueType.Tensor)
        {
            return new NodeMetadata(name, valueType, TensorElementType.Undefined, [], [], TypeName(typeInfo));
        }

        nint tensorInfo; // owned by typeInfo, not released here
        OrtNative.ThrowIfFailed(api->CastTypeInfoToTensorInfo(typeInfo, &tensorInfo));
        int elementType;
        nuint rank;
        OrtNative.ThrowIfFailed(api->GetTensorElementType(tensorInfo, &elementType));
        OrtNative.ThrowIfFailed(api->GetDimensionsCount(tensorInfo, &rank));
        var dims = new long[(int)rank];
        var symbols = new string[(int)rank];
        if (rank > 0)
        {
            var symbolPointers = stackalloc byte*[(int)rank];
            fixed (long* d = dims)
            {
                OrtNative.ThrowIfFailed(api->GetDimensions(tensorInfo, d, rank));
            }

            OrtNative.ThrowIfFailed(api->GetSymbolicDimensions(tensorInfo, symbolPointers, rank));
            for (var i = 0; i < (int)rank; i++)
            {
                symbols[i] = Utf8.ToString(symbolPointers[i]) ?? "";
            }
        }

        return new NodeMetadata(name, valueType, (TensorElementType)elementType, dims, symbols, $"tensor({TensorTypes.OnnxName((TensorElementType)elementType)})");
    }

    // ONNX's text form of a type, e.g. seq(map(int64,tensor(float))).
    private static string TypeName(nint typeInfo)
    {
        var api = OrtNative.Api;
        int onnxType;
        OrtNative.ThrowIfFailed(api->GetOnnxTypeFromTypeInfo(typeInfo, &onnxType));
        switch ((OrtValueType)onnxType)
        {
            case OrtValueType.Tensor:
            case OrtValueType.SparseTensor:
            {
                nint tensorInfo;
                OrtNative.ThrowIfFailed(api->CastTypeInfoToTensorInfo(typeInfo, &tensorInfo));
                if (tensorInfo == 0)
                {
                    return ((OrtValueType)onnxType).ToString().ToLowerInvariant();
                }

                int elementType;
                OrtNative.ThrowIfFailed(api->GetTensorElementType(tensorInfo, &elementType));
                var prefix = (OrtValueType)onnxType == OrtValueType.Tensor ? "tensor" : "sparse_tensor";
                return $"{prefix}({TensorTypes.OnnxName((TensorElementType)elementType)})";
            }

            case OrtValueType.Sequence:
            {
                nint sequenceInfo;
                nint elementInfo;
                OrtNative.ThrowIfFailed(api->CastTypeInfoToSequenceTypeInfo(typeInfo, &sequenceInfo));
                OrtNative.ThrowIfFailed(api->GetSequenceElementType(sequenceInfo, &elementInfo));
                try
                {
                    return $"seq({TypeName(elementInfo)})";
                }
                finally
                {
                    api->ReleaseTypeInfo(elementInfo);
                }
            }

            case OrtValueType.Map:
            {
                nint mapInfo;
                int keyType;
                nint valueInfo;
                OrtNative.ThrowIfFailed(api->CastTypeInfoToMapTypeInfo(typeInfo, &mapInfo));
                OrtNative.ThrowIfFailed(api->GetMapKeyType(mapInfo, &keyType));
                OrtNative.ThrowIfFailed(api->GetMapValueType(mapInfo, &valueInfo));
                try
                {
                    return $"map({TensorTypes.OnnxName((TensorElementType)keyType)},{TypeName(valueInfo)})";
                }
                finally
                {
                    api->ReleaseTypeInfo(valueInfo);
                }
            }

            default:
                return ((OrtValueType)onnxType).ToString().ToLowerInvariant();
        }
    }

    private ModelMetadata ReadModelMetadata()
    {
        var api = OrtNative.Api;
        nint metadata;
        OrtNative.ThrowIfFailed(api->SessionGetModelMetadata(_handle.DangerousGetHandle(), &metadata));
        try
        {
            var allocator = OrtNative.Allocator;
            byte* text;
            OrtNative.ThrowIfFailed(api->ModelMetadataGetProducerName(metadata, allocator, &text));
            var producer = OrtNative.TakeAllocatedString(text);
            OrtNative.ThrowIfFailed(api->ModelMetadataGetGraphName(metadata, allocator, &text));
            var graphName = OrtNative.TakeAllocatedString(text);
            OrtNative.ThrowIfFailed(api->ModelMetadataGetGraphDescription(metadata, allocator, &text));
            var graphDescription = OrtNative.TakeAllocatedString(text);
            OrtNative.ThrowIfFailed(api->ModelMetadataGetDomain(metadata, allocator, &text));
            var domain = OrtNative.TakeAllocatedString(text);
            OrtNative.ThrowIfFailed(api->ModelMetadataGetDescription(metadata, allocator, &text));
            var description = OrtNative.TakeAllocatedString(text);
            long version;
            OrtNative.ThrowIfFailed(api->ModelMetadataGetVersion(metadata, &version));

            byte** keys;
            long keyCount;
            OrtNative.ThrowIfFailed(api->ModelMetadataGetCustomMetadataMapKeys(metadata, allocator, &keys, &keyCount));
            var custom = new Dictionary<string, string>(StringComparer.Ordinal);
            if (keys != null)
            {
                try
                {
                    for (long i = 0; i < keyCount; i++)
                    {
                        var key = Utf8.ToString(keys[i]) ?? "";
                        byte* value;
                        OrtNative.ThrowIfFailed(api->ModelMetadataLookupCustomMetadataMap(metadata, allocator, keys[i], &value));
                        custom[key] = OrtNative.TakeAllocatedString(value);
                    }
                }
                finally
                {
                    for (long i = 0; i < keyCount; i++)
                    {
                        OrtNative.ThrowIfFailed(api->AllocatorFree(allocator, keys[i]));
                    }

                    OrtNative.ThrowIfFailed(api->AllocatorFree(allocator, keys));
                }
            }

            return new ModelMetadata(producer, graphName, graphDescription, domain, description, version, custom);
        }
        finally
        {
            api->ReleaseModelMetadata(metadata);
        }
    }
}
