using System.Runtime.InteropServices;

namespace Shipyard.Onnx.Internals;

/// <summary>Base for the handles below: a native ORT object pointer, invalid when zero.</summary>
internal abstract class OrtHandle : SafeHandle
{
    protected OrtHandle()
        : base(0, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == 0;

    /// <summary>Takes ownership of a pointer ORT just returned.</summary>
    public void Attach(nint value) => SetHandle(value);
}

/// <summary>Owns an <c>OrtEnv</c>.</summary>
internal sealed unsafe class OrtEnvHandle : OrtHandle
{
    protected override bool ReleaseHandle()
    {
        OrtNative.Api->ReleaseEnv(handle);
        return true;
    }
}

/// <summary>Owns an <c>OrtSession</c>.</summary>
internal sealed unsafe class OrtSessionHandle : OrtHandle
{
    /// <summary>Native memory that must outlive every run (the session's UTF-8 names); freed with the session.</summary>
    public IDisposable? Companion { get; set; }

    protected override bool ReleaseHandle()
    {
        OrtNative.Api->ReleaseSession(handle);
        Companion?.Dispose();
        return true;
    }
}

/// <summary>Owns an <c>OrtSessionOptions</c>.</summary>
internal sealed unsafe class OrtSessionOptionsHandle : OrtHandle
{
    protected override bool ReleaseHandle()
    {
        OrtNative.Api->ReleaseSessionOptions(handle);
        return true;
    }
}

/// <summary>Owns an <c>OrtValue</c>.</summary>
internal sealed unsafe class OrtValueHandle : OrtHandle
{
    protected override bool ReleaseHandle()
    {
        OrtNative.Api->ReleaseValue(handle);
        return true;
    }
}

/// <summary>Owns an <c>OrtRunOptions</c>.</summary>
internal sealed unsafe class OrtRunOptionsHandle : OrtHandle
{
    protected override bool ReleaseHandle()
    {
        OrtNative.Api->ReleaseRunOptions(handle);
        return true;
    }
}

/// <summary>Owns an <c>OrtTypeInfo</c>.</summary>
internal sealed unsafe class OrtTypeInfoHandle : OrtHandle
{
    protected override bool ReleaseHandle()
    {
        OrtNative.Api->ReleaseTypeInfo(handle);
        return true;
    }
}

/// <summary>Owns an <c>OrtTensorTypeAndShapeInfo</c> (only those returned by <c>GetTensorTypeAndShape</c>; the one from <c>CastTypeInfoToTensorInfo</c> belongs to its type info).</summary>
internal sealed unsafe class OrtTensorTypeAndShapeInfoHandle : OrtHandle
{
    protected override bool ReleaseHandle()
    {
        OrtNative.Api->ReleaseTensorTypeAndShapeInfo(handle);
        return true;
    }
}

/// <summary>Owns an <c>OrtModelMetadata</c>.</summary>
internal sealed unsafe class OrtModelMetadataHandle : OrtHandle
{
    protected override bool ReleaseHandle()
    {
        OrtNative.Api->ReleaseModelMetadata(handle);
        return true;
    }
}

/// <summary>Owns an <c>OrtCUDAProviderOptionsV2</c>.</summary>
internal sealed unsafe class OrtCudaProviderOptionsHandle : OrtHandle
{
    protected override bool ReleaseHandle()
    {
        OrtNative.Api->ReleaseCUDAProviderOptions(handle);
        return true;
    }
}
