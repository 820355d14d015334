using System.Text.Json.Serialization;
using Shipyard.Models.Internals;

namespace Shipyard.Models;

/// <summary>Where a model version runs; serialized as <c>cpu</c> or <c>cuda</c>.</summary>
[JsonConverter(typeof(KebabCaseEnumConverter<ComputeDevice>))]
public enum ComputeDevice
{
    /// <summary>ONNX Runtime's CPU execution provider.</summary>
    Cpu,

    /// <summary>The CUDA execution provider, subject to <see cref="DevicePolicy"/>.</summary>
    Cuda,
}
