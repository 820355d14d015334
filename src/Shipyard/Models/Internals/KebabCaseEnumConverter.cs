using System.Text.Json;
using System.Text.Json.Serialization;

namespace Shipyard.Models.Internals;

/// <summary>Serializes enum members as kebab-case strings (<c>PreferGpu</c> ↔ <c>prefer-gpu</c>) whatever the caller's options.</summary>
internal sealed class KebabCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false)
    where TEnum : struct, Enum;
