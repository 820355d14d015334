using System.Text.Json.Serialization;
using Shipyard.Models.Internals;

namespace Shipyard.Models;

/// <summary>What happens to a value outside a feature's declared <c>min</c>/<c>max</c> or <c>categories</c>; serialized as
/// <c>allow</c> or <c>reject</c> (manifest key <c>outOfRange</c>, default <c>allow</c>).</summary>
/// <remarks>The default is <c>allow</c> because the bundled manifests declare the range observed in training: live data
/// legitimately strays outside it (the sample models' own test rows do), and drift monitoring needs those rows scored
/// and logged to report the out-of-range share. Use <c>reject</c> when the bounds are hard validity limits.</remarks>
[JsonConverter(typeof(KebabCaseEnumConverter<RangePolicy>))]
public enum RangePolicy
{
    /// <summary>Out-of-range values are scored (and counted in telemetry as <c>OutOfRangeValues</c>).</summary>
    Allow,

    /// <summary>Out-of-range values fail validation with a 400 naming the field.</summary>
    Reject,
}
