namespace Shipyard.Onnx;

/// <summary>
/// An error reported by ONNX Runtime, or a call the binding rejected before it reached ONNX Runtime
/// because ORT would not have checked it (unknown input name, shape that does not match the buffer, etc.).
/// </summary>
/// <remarks>
/// <see cref="ErrorCode"/> is ORT's own code when ORT produced the error, and the closest ORT code
/// (usually <see cref="OrtErrorCode.InvalidArgument"/>) when the binding did.
/// </remarks>
public sealed class OnnxRuntimeException : Exception
{
    /// <summary>Creates the exception with an ORT error code and message.</summary>
    public OnnxRuntimeException(OrtErrorCode errorCode, string message)
        : base(message)
    {
        ErrorCode = errorCode;
    }

    /// <summary>Creates the exception with an ORT error code, a message and the exception that caused it.</summary>
    public OnnxRuntimeException(OrtErrorCode errorCode, string message, Exception? innerException)
        : base(message, innerException)
    {
        ErrorCode = errorCode;
    }

    /// <summary>Creates an exception with <see cref="OrtErrorCode.Fail"/>.</summary>
    public OnnxRuntimeException()
        : this(OrtErrorCode.Fail, "ONNX Runtime call failed.")
    {
    }

    /// <summary>Creates an exception with <see cref="OrtErrorCode.Fail"/> and a message.</summary>
    public OnnxRuntimeException(string message)
        : this(OrtErrorCode.Fail, message)
    {
    }

    /// <summary>Creates an exception with <see cref="OrtErrorCode.Fail"/>, a message and an inner exception.</summary>
    public OnnxRuntimeException(string message, Exception? innerException)
        : this(OrtErrorCode.Fail, message, innerException)
    {
    }

    /// <summary>ONNX Runtime's error code.</summary>
    public OrtErrorCode ErrorCode { get; }
}
