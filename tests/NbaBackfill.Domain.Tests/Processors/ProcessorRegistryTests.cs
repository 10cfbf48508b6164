using System.Globalization;
using NbaBackfill.Calendar;
using NbaBackfill.Planning;
using NbaBackfill.Processors;
using NbaBackfill.Reconciliation;
using NbaBackfill.Tables;

namespace NbaBackfill.Domain.Tests.Processors;

/// <summary>
/// A seventh processor is one descriptor: the toy below (each player's points in his previous game) is the whole of
/// it, and the planner, the runner and reconciliation take it from the registry without another line elsewhere.
/// </summary>
public sealed class ProcessorRegistryTests
{
    /// <summary>Everything a newcomer writes for a new processor: its row, its table, its logic, its descriptor.</summary>
    private sealed record ToyRow(DateOnly GameDate, long PlayerId, int Pts, int? PreviousPts) : IOutputRow
    {
        public static TableSchema<ToyRow> Table { get; } = new("toy_previous_points", c => new ToyRow(
            c.Date("game_date", r => r.GameDate), c.Int64("player_id", r => r.PlayerId), c.Int("pts", r => r.Pts),
            c.IntOrNull("previous_pts", r => r.PreviousPts)),
            Key: ["game_date", "player_id"], PartitionColumn: "game_date", Clustering: ["player_id"]);

        public static TableSchema Schema => Table.Schema;

        public DateOnly Date => GameDate;

        public string EntityId => PlayerId.ToString(CultureInfo.InvariantCulture);

        public object?[] ToValues() => Table.ToValues(this);
    }

    private static readonly ProcessorId Toy = new("TOY");

    private static ProcessorDescriptor ToyDescriptor { get; } = new(
        Toy, [ProcessorId.PGS], ToyRow.Schema, Version: 1, ProcessorPhase.Precompute, RawInput.None, Population.PlayersWithGames,
        Compute: async (warehouse, range, stamp, ct) =>
        {
            var history = (await Schedule.SeasonHistoryAsync(warehouse, range, ct)).Range;
            var games = await warehouse.ReadAsync(PgsRow.Schema, history, PgsRow.From, ct);
            var byPlayer = new PlayerHistory(games);
            var rows = games.Where(g => range.Contains(g.GameDate)).Select(g =>
            {
                var before = byPlayer.Before(g.Season, g.PlayerId, g.GameDate);
                return (IOutputRow)new ToyRow(g.GameDate, g.PlayerId, g.Pts, before.Length == 0 ? null : before[^1].Pts);
            }).ToList();
            return new ProcessorResult(Toy, await Schedule.GameDatesAsync(warehouse, range, ct), rows, []);
        },
        Lookback: (date, calendar) => calendar.SeasonOf.GetValueOrDefault(date) is { } season
            ? calendar.PlayersOn.GetValueOrDefault(date, [])
                .Select(p => calendar.PlayerDatesBefore(season, p, date).ToArray())
                .Where(before => before.Length > 0).Select(before => (ProcessorId.PGS, before[^1])).ToList()
            : []);

    private static readonly ProcessorRegistry WithToy = ProcessorRegistry.Default.With(ToyDescriptor);

    [Fact]
    public void The_default_registry_is_every_processor_of_the_pipeline_in_DAG_order()
    {
        Assert.Equal(["PGS", "PSZA", "TDZA", "PCF", "PDC", "MLFS"], ProcessorRegistry.Default.Ids.Select(p => p.Name));
        Assert.All(ProcessorRegistry.Default.All, d => Assert.All(d.Upstream, u =>
            Assert.True(ProcessorRegistry.Default.RankOf(u) < ProcessorRegistry.Default.RankOf(d.Id))));
        Assert.Equal(ProcessorRegistry.Default.All.Select(d => d.Output.Name).Distinct().Count(), ProcessorRegistry.Default.All.Count);
    }

    [Fact]
    public void A_registry_refuses_duplicates_unknown_upstream_and_cycles()
    {
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => WithToy.With(ToyDescriptor)).Message, StringComparison.Ordinal);
        var orphan = ToyDescriptor with { Id = new ProcessorId("ORPHAN"), Upstream = [new ProcessorId("NOPE")] };
        Assert.Contains("unknown NOPE", Assert.Throws<ArgumentException>(() => ProcessorRegistry.Default.With(orphan)).Message, StringComparison.Ordinal);
        var (a, b) = (new ProcessorId("A"), new ProcessorId("B"));
        Assert.Contains("cycle", Assert.Throws<ArgumentException>(() => new ProcessorRegistry(
            [ToyDescriptor with { Id = a, Upstream = [b] }, ToyDescriptor with { Id = b, Upstream = [a] }])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_toy_is_planned_after_its_upstream_with_its_own_lookback_edges()
    {
        // Topological, shallower first, then by name: the toy sits with the other readers of PGS.
        Assert.Equal(["PGS", "PSZA", "TDZA", "TOY", "PCF", "PDC", "MLFS"], WithToy.Ids.Select(p => p.Name));
        var season = Fixtures.BundledSeason;
        var calendar = new PlanningCalendar(season.Games, season.BoxScores.Select(b => (b.Season, b.GameDate, b.PlayerId)));
        var day = season.GameDates[20];
        var plan = BackfillPlanner.Plan(new BackfillRequest(day, day, [Toy]), calendar, (_, _) => false, WithToy);

        // The toy's node, its same-date PGS node, and PGS of each player's previous game (added by pre-flight).
        var previous = calendar.PlayersOn[day].Select(p => calendar.PlayerDatesBefore(season.Season, p, day).ToArray())
            .Where(b => b.Length > 0).Select(b => b[^1]).Append(day).Distinct().Order().ToList();
        Assert.Equal(previous, plan.Nodes.Where(n => n.Processor == ProcessorId.PGS).Select(n => n.Date));
        Assert.Equal((Toy, day), (plan.Nodes[^1].Processor, plan.Nodes[^1].Date));
        Assert.Equal(previous.Count, plan.Dependencies[^1].Length);
    }

    [Fact]
    public async Task The_toy_computes_from_its_descriptor_and_reconciles_with_nothing_unaccounted()
    {
        var range = new DateRange(Fixtures.BundledSeason.GameDates[10], Fixtures.BundledSeason.GameDates[14]);
        var w = InMemoryWarehouse.Of(Fixtures.BundledSeason);
        await w.RunAllAsync(new DateRange(Fixtures.Season2021.From, range.To), Fixtures.Stamp, [ProcessorId.PGS]);

        var result = await WithToy.Of(Toy).Compute(w, range, Fixtures.Stamp, CancellationToken.None);
        w.Set(ToyRow.Schema, result.Rows);

        var pgs = BundledPipeline.Result.Rows(PgsRow.Schema).Select(r => PgsRow.From(new Row(r))).Where(r => range.Contains(r.GameDate)).ToList();
        Assert.Equal(pgs.Count, result.Rows.Count);
        Assert.All(result.Rows.Cast<ToyRow>(), r => Assert.Equal(pgs.Single(g => g.GameDate == r.GameDate && g.PlayerId == r.PlayerId).Pts, r.Pts));
        Assert.Contains(result.Rows.Cast<ToyRow>(), r => r.PreviousPts is not null);

        var report = await ReconciliationReader.ReconcileAsync(w, range, [Toy], CancellationToken.None, WithToy);
        var toy = Assert.Single(report);
        Assert.Equal(pgs.Count, toy.Totals.Expected);
        Assert.Equal(pgs.Count, toy.Totals.HasRecord);
        Assert.True(toy.Totals.IsClean);
    }
}
