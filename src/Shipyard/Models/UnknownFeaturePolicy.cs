using System.Text.Json.Serialization;
using Shipyard.Models.Internals;

namespace Shipyard.Models;

/// <summary>What happens to instance fields the manifest does not declare; serialized as <c>reject</c> or <c>ignore</c>.</summary>
[JsonConverter(typeof(KebabCaseEnumConverter<UnknownFeaturePolicy>))]
public enum UnknownFeaturePolicy
{
    /// <summary>The request fails with a 400 naming every unknown field (the default).</summary>
    Reject,

    /// <summary>Unknown fields are dropped before scoring and are not logged.</summary>
    Ignore,
}
