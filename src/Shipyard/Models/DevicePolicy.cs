using System.Text.Json.Serialization;
using Shipyard.Models.Internals;

namespace Shipyard.Models;

/// <summary>What to do when the requested <see cref="ComputeDevice"/> is unavailable; serialized as <c>require</c> or <c>prefer-gpu</c>.</summary>
[JsonConverter(typeof(KebabCaseEnumConverter<DevicePolicy>))]
public enum DevicePolicy
{
    /// <summary>Loading fails (version state <see cref="ModelVersionState.Failed"/>) when the device is unavailable.</summary>
    Require,

    /// <summary>Falls back to the CPU when CUDA is unavailable (logged).</summary>
    PreferGpu,
}
