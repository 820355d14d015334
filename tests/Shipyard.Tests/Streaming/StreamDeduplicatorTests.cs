using System.Text.Json;
using Shipyard.Storage;
using Shipyard.Streaming;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Tests.Streaming;

/// <summary>Idempotency markers on the embedded file store (and on Azurite, <see cref="StreamDeduplicatorAzuriteTests"/>).</summary>
public class StreamDeduplicatorTests
{
    private static readonly TimeSpan ClaimTimeout = TimeSpan.FromMinutes(1);

    private protected virtual AzuriteFixture? Azurite => null;

    private async Task<(StreamWorld World, ManualClock Clock)> StartAsync(StreamOptions? options = null)
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        return (await StreamWorld.StartAsync(Azurite, options, clock), clock);
    }

    private static StreamMarker Done(string id, string delivery) => new(id, delivery, Done: true, StreamQueues.ResultQueue, $"{{\"id\":\"{id}\"}}", DateTimeOffset.MinValue);

    [Fact]
    public void MarkerName_Sha256OfTheIdUnderThePrefix()
    {
        // SHA-256("abc") from FIPS 180-2, appendix B.1.
        Assert.Equal("_stream-processed/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", StreamDeduplicator.MarkerName("abc"));
        Assert.True(BlobNames.GetBlobError(StreamDeduplicator.MarkerName("../../etc/passwd ☃")) is null);
    }

    [Fact]
    public async Task TryClaim_NewId_OursAndAPendingMarkerIsWritten()
    {
        var (world, clock) = await StartAsync();
        await using var _ = world;

        Assert.Null(await world.Deduplicator.TryClaimAsync("new-1", "q-1", ClaimTimeout));

        var marker = JsonSerializer.Deserialize<StreamMarker>(await world.Markers.ReadAllTextAsync(StreamQueues.MarkerContainer, StreamDeduplicator.MarkerName("new-1")))!;
        Assert.Equal(new StreamMarker("new-1", "q-1", Done: false, null, null, clock.GetUtcNow()), marker);
        Assert.Null(await world.Deduplicator.FindAsync("new-1"));
    }

    [Fact]
    public async Task TryClaim_HeldByAnotherLiveDelivery_ReturnsThatClaim()
    {
        var (world, clock) = await StartAsync();
        await using var _ = world;
        await world.Deduplicator.TryClaimAsync("busy", "q-a", ClaimTimeout);
        clock.Advance(ClaimTimeout - TimeSpan.FromSeconds(1));

        var blocking = await world.Deduplicator.TryClaimAsync("busy", "q-b", ClaimTimeout);

        Assert.NotNull(blocking);
        Assert.False(blocking.Done);
        Assert.Equal("q-a", blocking.QueueMessageId);
    }

    [Fact]
    public async Task TryClaim_SameDeliveryAgain_TakesItsOwnClaimOver()
    {
        var (world, _) = await StartAsync();
        await using var __ = world;
        await world.Deduplicator.TryClaimAsync("retry", "q-a", ClaimTimeout);

        Assert.Null(await world.Deduplicator.TryClaimAsync("retry", "q-a", ClaimTimeout));
    }

    [Fact]
    public async Task TryClaim_ClaimOlderThanTheTimeout_TakenOverByAnotherDelivery()
    {
        var (world, clock) = await StartAsync();
        await using var _ = world;
        await world.Deduplicator.TryClaimAsync("orphan", "q-dead", ClaimTimeout);
        clock.Advance(ClaimTimeout);

        Assert.Null(await world.Deduplicator.TryClaimAsync("orphan", "q-new", ClaimTimeout));

        var marker = JsonSerializer.Deserialize<StreamMarker>(await world.Markers.ReadAllTextAsync(StreamQueues.MarkerContainer, StreamDeduplicator.MarkerName("orphan")))!;
        Assert.Equal("q-new", marker.QueueMessageId);
    }

    [Fact]
    public async Task TryClaim_AfterDone_ReturnsTheDoneMarker_AlsoFromAFreshReplica()
    {
        var (world, clock) = await StartAsync();
        await using var _ = world;
        await world.Deduplicator.TryClaimAsync("answered", "q-a", ClaimTimeout);
        await world.Deduplicator.CompleteAsync(Done("answered", "q-a"));

        // A second replica: empty memory, same store.
        var replica = new StreamDeduplicator(world.Markers, world.Options, clock);
        var blocking = await replica.TryClaimAsync("answered", "q-b", ClaimTimeout);
        var found = await replica.FindAsync("answered");

        Assert.True(blocking!.Done);
        Assert.Equal("q-a", blocking.QueueMessageId);
        Assert.Equal("{\"id\":\"answered\"}", blocking.Result);
        Assert.Equal(blocking, found);
    }

    [Fact]
    public async Task Complete_StampsTheDeduplicatorsClock_NotTheCallers()
    {
        var (world, clock) = await StartAsync();
        await using var _ = world;

        await world.Deduplicator.CompleteAsync(Done("stamp", "q-a") with { RecordedOn = DateTimeOffset.UtcNow });

        Assert.Equal(clock.GetUtcNow(), (await world.Deduplicator.FindAsync("stamp"))!.RecordedOn);
    }

    [Fact]
    public async Task Find_DoneMarkerOlderThanTheRetentionWindow_Forgotten_AndTheIdCanBeClaimedAgain()
    {
        var (world, clock) = await StartAsync(new StreamOptions { RetentionWindow = TimeSpan.FromHours(1) });
        await using var _ = world;
        await world.Deduplicator.CompleteAsync(Done("old", "q-a"));
        clock.Advance(TimeSpan.FromMinutes(59));
        Assert.NotNull(await world.Deduplicator.FindAsync("old"));

        clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Null(await world.Deduplicator.FindAsync("old"));
        Assert.Null(await new StreamDeduplicator(world.Markers, world.Options, clock).FindAsync("old"));
        Assert.Null(await world.Deduplicator.TryClaimAsync("old", "q-b", ClaimTimeout));
    }

    [Fact]
    public async Task TryClaim_UnreadableMarker_TreatedAsAbsent()
    {
        var (world, _) = await StartAsync();
        await using var __ = world;
        await world.Markers.CreateContainerIfNotExistsAsync(StreamQueues.MarkerContainer);
        await world.Markers.UploadTextAsync(StreamQueues.MarkerContainer, StreamDeduplicator.MarkerName("garbled"), "{not json");

        Assert.Null(await world.Deduplicator.FindAsync("garbled"));
        Assert.Null(await world.Deduplicator.TryClaimAsync("garbled", "q-a", ClaimTimeout));
    }

    [Fact]
    public async Task Find_MarkerOfAnotherIdUnderTheSameName_NotTakenAsDone()
    {
        // The id is checked, not only the hashed name (a marker copied or written by mistake).
        var (world, clock) = await StartAsync();
        await using var _ = world;
        await world.Markers.CreateContainerIfNotExistsAsync(StreamQueues.MarkerContainer);
        var foreign = Done("someone-else", "q-x") with { RecordedOn = clock.GetUtcNow() };
        await world.Markers.UploadTextAsync(StreamQueues.MarkerContainer, StreamDeduplicator.MarkerName("mine"), JsonSerializer.Serialize(foreign));

        Assert.Null(await world.Deduplicator.FindAsync("mine"));
    }

    [Fact]
    public async Task TryClaim_EightReplicasAtOnce_ExactlyOneWins()
    {
        var (world, clock) = await StartAsync();
        await using var _ = world;
        var replicas = Enumerable.Range(0, 8).Select(_ => new StreamDeduplicator(world.Markers, world.Options, clock)).ToArray();

        var claims = await Task.WhenAll(replicas.Select((r, i) => r.TryClaimAsync("race", $"q-{i}", ClaimTimeout)));

        var winner = Assert.Single(claims, c => c is null);
        Assert.All(claims.Where(c => c is not null), c => Assert.False(c!.Done));
        var owner = JsonSerializer.Deserialize<StreamMarker>(await world.Markers.ReadAllTextAsync(StreamQueues.MarkerContainer, StreamDeduplicator.MarkerName("race")))!;
        Assert.Equal($"q-{Array.IndexOf(claims, winner)}", owner.QueueMessageId);
    }

    [Fact]
    public async Task MemoryCache_EvictedIdsStillFoundInTheStore()
    {
        var (world, _) = await StartAsync(new StreamOptions { MemoryCacheSize = 2 });
        await using var __ = world;
        foreach (var id in (string[])["a", "b", "c", "d"])
        {
            await world.Deduplicator.CompleteAsync(Done(id, "q-" + id));
        }

        foreach (var id in (string[])["a", "b", "c", "d"])
        {
            Assert.Equal("q-" + id, (await world.Deduplicator.FindAsync(id))?.QueueMessageId);
        }
    }
}

/// <summary>The same rules on Azurite's blob service (real <c>If-None-Match: *</c> and <c>If-Match</c>).</summary>
public sealed class StreamDeduplicatorAzuriteTests(AzuriteFixture azurite) : StreamDeduplicatorTests, IClassFixture<AzuriteFixture>
{
    private protected override AzuriteFixture? Azurite => azurite;
}
