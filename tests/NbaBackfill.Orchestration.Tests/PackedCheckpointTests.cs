using System.Text.Json;
using NbaBackfill.Planning;
using NbaBackfill.Processors;

namespace NbaBackfill.Orchestration.Tests;

/// <summary>What travels through orchestration state stays small, even for a 20-season plan.</summary>
public sealed class PackedCheckpointTests
{
    private static BackfillPlan TwentySeasonPlan()
    {
        var games = new List<Raw.RawGame>();
        var players = new List<(string, DateOnly, long)>();
        for (var year = 2001; year < 2021; year++)
        {
            var season = $"{year}-{(year + 1) % 100:00}";
            for (var day = 0; day < 165; day++)
            {
                var date = new DateOnly(year, 10, 25).AddDays(day);
                games.Add(new Raw.RawGame($"g{year}{day}", date, season, "AAA", "BBB", 1, 2));
                foreach (var player in new long[] { 11, 12, 21, 22 }) players.Add((season, date, player));
            }
        }
        return BackfillPlanner.Plan(new BackfillRequest(new DateOnly(2001, 10, 25), new DateOnly(2021, 6, 30), ProcessorIds.All),
            new PlanningCalendar(games, players), (_, _) => true);
    }

    [Fact]
    public void A_twenty_season_plan_and_its_state_pack_far_below_the_four_megabyte_message_limit_and_round_trip()
    {
        var plan = TwentySeasonPlan();
        var state = BackfillState.Start(plan);
        var unpackedBytes = JsonSerializer.SerializeToUtf8Bytes(new Checkpoint(plan, state)).Length;

        var packed = PackedCheckpoint.Pack(new Checkpoint(plan, state));
        var back = PackedCheckpoint.Unpack<Checkpoint>(packed);

        Assert.Equal(19_800, plan.Nodes.Count);
        Assert.True(unpackedBytes > 4_000_000, $"the unpacked checkpoint is {unpackedBytes} bytes: the test no longer exercises the limit");
        Assert.True(packed.Length < 1_000_000, $"packed: {packed.Length} bytes");
        Assert.Equal(plan.Nodes, back.Plan.Nodes);
        Assert.Equal(plan.Dependencies.SelectMany(d => d), back.Plan.Dependencies.SelectMany(d => d));
        Assert.Equal(state.Status, back.State.Status);
    }

    [Fact]
    public void The_plan_activity_output_serialises_only_the_packed_plan()
    {
        var output = new PlanOutput(PackedCheckpoint.Pack(TwentySeasonPlan()), [3, 4]);

        var json = JsonSerializer.Serialize(output);

        Assert.True(json.Length < 1_000_000, $"{json.Length} characters"); // an unpacked copy rode along once and hung the engine
        Assert.Equal(["PackedPlan", "AlreadySucceeded", "Fresh"], JsonDocument.Parse(json).RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(19_800, JsonSerializer.Deserialize<PlanOutput>(json)!.UnpackPlan().Nodes.Count);
    }

    [Fact]
    public void A_replay_unpacks_a_plan_it_unpacked_before_once_and_another_plan_anew()
    {
        var packed = PackedCheckpoint.Pack(TwentySeasonPlan());
        // Each replay reads the text anew from history: an equal string, not the same one.
        var first = new PlanOutput(new string(packed.AsSpan()), []).UnpackPlan();
        Assert.Same(first, new PlanOutput(new string(packed.AsSpan()), []).UnpackPlan());
        Assert.Equal(19_800, first.Nodes.Count);

        var other = BackfillPlanner.Plan(new BackfillRequest(new DateOnly(2001, 10, 25), new DateOnly(2001, 10, 26), ProcessorIds.All),
            new PlanningCalendar([new Raw.RawGame("g", new DateOnly(2001, 10, 25), "2001-02", "AAA", "BBB", 1, 2)], []), (_, _) => true);
        var unpacked = new PlanOutput(PackedCheckpoint.Pack(other), []).UnpackPlan();
        Assert.NotSame(first, unpacked);
        Assert.Equal(other.Nodes, unpacked.Nodes);
    }

    [Fact]
    public void A_checkpoint_too_large_for_a_durable_message_fails_loudly_instead_of_stalling_the_engine()
    {
        var noise = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3_000_000)); // incompressible

        var e = Assert.Throws<InvalidOperationException>(() => PackedCheckpoint.Pack(noise));

        Assert.Contains("backfill a shorter range per run", e.Message);
    }
}
