namespace Shipyard.Onnx;

/// <summary>ONNX Runtime's error codes (<c>OrtErrorCode</c> in <c>onnxruntime_c_api.h</c>), same numeric values.</summary>
public enum OrtErrorCode
{
    /// <summary>Success; never carried by an exception.</summary>
    Ok = 0,
    /// <summary>Generic failure (also used by ORT when a run is terminated).</summary>
    Fail = 1,
    /// <summary>An argument is wrong: unknown input name, wrong element type, wrong rank or dimension, bad option.</summary>
    InvalidArgument = 2,
    /// <summary>The model file does not exist.</summary>
    NoSuchFile = 3,
    /// <summary>No model was loaded.</summary>
    NoModel = 4,
    /// <summary>An execution provider or kernel failed.</summary>
    EngineError = 5,
    /// <summary>An operator threw at run time.</summary>
    RuntimeException = 6,
    /// <summary>The model bytes are not a valid ONNX protobuf (corrupt or empty model).</summary>
    InvalidProtobuf = 7,
    /// <summary>The model was already loaded.</summary>
    ModelLoaded = 8,
    /// <summary>An operator, type or feature is not implemented by this ONNX Runtime build.</summary>
    NotImplemented = 9,
    /// <summary>The graph is invalid (type inference or validation failed).</summary>
    InvalidGraph = 10,
    /// <summary>An execution provider failed, for example because its library could not be loaded.</summary>
    EpFail = 11,
    /// <summary>Model loading was cancelled.</summary>
    ModelLoadCanceled = 12,
    /// <summary>The model must be compiled for its execution provider first.</summary>
    ModelRequiresCompilation = 13,
    /// <summary>Something looked up was not found.</summary>
    NotFound = 14,
}
