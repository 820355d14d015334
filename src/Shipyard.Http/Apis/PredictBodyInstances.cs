using System.Buffers;
using Shipyard.Http.Bodies;
using Shipyard.Models;
using Shipyard.Scoring;

namespace Shipyard.Http.Apis;

/// <summary>
/// The instances of a predict body as received, read once the routed version's manifest is known: straight into a
/// batch by <see cref="InstanceReader"/> when everything is valid; otherwise parsed and checked in full, the envelope by
/// <see cref="PredictBody"/> and each instance by <see cref="InstanceValidator"/>, so every problem is named.
/// </summary>
internal sealed class PredictBodyInstances(ReadOnlySequence<byte> body, JsonRequestReader reader) : PredictionInstances
{
    /// <inheritdoc />
    /// <exception cref="Errors.RequestRejectedException">400 for malformed JSON or a bad envelope, 413 for too many instances.</exception>
    public override FeatureBatch ToBatch(ModelManifest manifest, ScoringLimits limits)
    {
        var options = reader.Options;
        if (InstanceReader.TryRead(manifest, body, limits, options.MaxInstancesPerRequest, options.MaxJsonDepth) is { } batch)
        {
            return batch;
        }

        using var document = reader.Parse(body);
        return InstanceValidator.Validate(manifest, PredictBody.Instances(document.RootElement, options.MaxInstancesPerRequest), limits);
    }
}
