namespace Shipyard.Onnx.Tests.Conformance;

/// <summary>
/// The documented reasons a backend node test may fail (docs/onnx-conformance.md lists every case). None of them is a
/// binding problem: ORT lacks the kernel, the host lacks a locale, the operator is random, or ORT 1.30's numbers differ
/// from ONNX 1.12's reference data. Any other failure fails the conformance test.
/// </summary>
internal static class KnownFailures
{
    public const string NoKernel = "ORT 1.30 has no kernel for this operator, domain or type";
    public const string AttributeUnsupported = "ORT kernel rejects this attribute value";
    public const string HostLocale = "host lacks the en_US.UTF-8 locale (StringNormalizer)";
    public const string Random = "random operator: ORT's generator differs from numpy's";
    public const string ReferenceDiffers = "ORT 1.30 result differs from the ONNX 1.12 reference data";

    // Mismatches where ORT's numbers are not the reference's, by case name, with the reason shown in the docs.
    private static readonly Dictionary<string, string> _referenceDifferences = new(StringComparer.Ordinal)
    {
        ["test_cast_FLOAT_to_STRING"] = "ORT formats float with 8 significant digits ('0.60484552'); the reference uses numpy's shortest repr ('0.6048455')",
        ["test_castlike_FLOAT_to_STRING"] = "same float-to-string formatting difference as test_cast_FLOAT_to_STRING",
        ["test_castlike_FLOAT_to_STRING_expanded"] = "same float-to-string formatting difference as test_cast_FLOAT_to_STRING",
        ["test_dft"] = "float32 FFT round-off (~1e-4) where the reference has exact zeros; atol 1e-7 is below float32 FFT error",
        ["test_dft_axis"] = "float32 FFT round-off where the reference has exact zeros",
        ["test_dft_inverse"] = "float32 FFT round-off where the reference has exact zeros",
        ["test_stft"] = "float32 FFT round-off (~1e-6) where the reference has exact zeros",
        ["test_stft_with_window"] = "float32 FFT round-off where the reference has exact zeros",
        ["test_maxunpool_export_with_output_shape"] = "ORT places unpooled values differently when output_shape pads the result",
        ["test_resize_downsample_scales_cubic_align_corners"] = "ORT's align_corners downsampling differs from the ONNX 1.12 reference implementation",
        ["test_resize_downsample_scales_linear_align_corners"] = "ORT's align_corners downsampling differs from the ONNX 1.12 reference implementation",
    };

    private static readonly string[] _randomCases = ["test_bernoulli", "test_training_dropout"];

    /// <summary>The category of a failed case, or null when the failure is unexplained.</summary>
    public static string? Classify(CaseResult result)
    {
        if (result.Outcome != CaseOutcome.Failed)
        {
            return null;
        }

        var detail = result.Detail;
        if (result.Category is "load" or "run")
        {
            if (detail.Contains("is not a registered function/op", StringComparison.Ordinal) || detail.Contains("Could not find an implementation for", StringComparison.Ordinal))
            {
                return NoKernel;
            }

            if (detail.Contains("Batchwise recurrent operations (layout == 1) are not supported", StringComparison.Ordinal))
            {
                return AttributeUnsupported;
            }

            if (detail.Contains("Failed to construct locale with name:en_US.UTF-8", StringComparison.Ordinal))
            {
                return HostLocale;
            }

            return null;
        }

        if (_randomCases.Any(prefix => result.Name.StartsWith(prefix, StringComparison.Ordinal)) && !result.Name.Contains("zero_ratio", StringComparison.Ordinal))
        {
            return Random;
        }

        return _referenceDifferences.ContainsKey(result.Name) ? ReferenceDiffers : null;
    }

    /// <summary>The documented reason of a reference-data difference.</summary>
    public static string? ReasonFor(string name) => _referenceDifferences.GetValueOrDefault(name);
}
