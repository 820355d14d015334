using Shipyard.Testing;
using Xunit;

namespace Shipyard.Storage.Tests.Blobs;

/// <summary>
/// Tests that stop Azurite or measure memory: their own Azurite, run alone (not in parallel with other classes) so
/// that an outage hits only them and GC figures are theirs.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AzuriteHeavyTests : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite outages and large transfers";
}
