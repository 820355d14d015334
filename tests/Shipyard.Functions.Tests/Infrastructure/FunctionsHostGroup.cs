using Xunit;

namespace Shipyard.Functions.Tests.Infrastructure;

/// <summary>One Functions host (and one standalone server) for every test that needs it: the host takes seconds to start.</summary>
[CollectionDefinition(Name)]
public sealed class FunctionsHostGroup : ICollectionFixture<FunctionsHostFixture>, ICollectionFixture<StandaloneServer>
{
    /// <summary>The collection name.</summary>
    public const string Name = "Functions host";
}
