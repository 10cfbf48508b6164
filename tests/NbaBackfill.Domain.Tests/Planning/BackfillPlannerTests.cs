using NbaBackfill.Planning;
using NbaBackfill.Processors;
using NbaBackfill.Raw;

namespace NbaBackfill.Domain.Tests.Planning;

public class BackfillPlannerTests
{
    private static readonly DateOnly D0 = MiniSeason.Day1;

    /// <summary>14 daily dates; player 11 skips days 3-5, so his 10-game windows reach further back.</summary>
    private static PlanningCalendar Calendar(Func<int, long, bool>? skip = null)
    {
        var season = MiniSeason.Daily(14, skip ?? ((day, p) => p == 11 && day is >= 3 and <= 5)).Parse();
        return new PlanningCalendar(season.Games, season.BoxScores.Select(b => (b.Season, b.GameDate, b.PlayerId)));
    }

    private static BackfillRequest Request(int fromDay, int toDay, params ProcessorId[] processors) =>
        new(D0.AddDays(fromDay), D0.AddDays(toDay), processors.Length == 0 ? ProcessorIds.All : processors);

    [Fact]
    public void Nodes_cover_game_dates_and_mark_no_game_dates()
    {
        var season = MiniSeason.Daily(3).Parse();
        var calendar = new PlanningCalendar(season.Games, season.BoxScores.Select(b => (b.Season, b.GameDate, b.PlayerId)));
        var plan = BackfillPlanner.Plan(new BackfillRequest(D0, D0.AddDays(4), ProcessorIds.All), calendar, (_, _) => true);
        Assert.Equal(18, plan.Nodes.Count);
        Assert.Equal([D0.AddDays(3), D0.AddDays(4)], plan.NoGameDates);
        // DAG order then date order, and every dependency points to an earlier node (topological).
        Assert.Equal(ProcessorIds.All, plan.Nodes.Select(n => n.Processor).Distinct());
        Assert.All(plan.Dependencies.Select((deps, i) => (deps, i)), x => Assert.All(x.deps, d => Assert.True(d < x.i)));
    }

    [Fact]
    public void PSZA_lookback_is_exactly_the_players_last_ten_game_dates()
    {
        var calendar = Calendar();
        var day13 = D0.AddDays(13);
        var deps = BackfillPlanner.DependenciesOf(ProcessorId.PSZA, day13, calendar);
        // Most players' last 10 games are days 3..12; player 11 skipped 3-5, so his window is days 0-2 and 6-12.
        // Plus the same-date edge PGS(D).
        var expected = Enumerable.Range(0, 14).Select(d => (ProcessorId.PGS, D0.AddDays(d))).ToList();
        Assert.Equal(expected.OrderBy(x => x.Item2), deps.Where(d => d.Item1 == ProcessorId.PGS).OrderBy(x => x.Item2));

        // Without player 11's gap the window starts at day 3: days 0-2 are not read, so their failure blocks nothing here.
        var plain = BackfillPlanner.DependenciesOf(ProcessorId.PSZA, day13, Calendar((_, _) => false));
        Assert.Equal(Enumerable.Range(3, 10).Select(d => D0.AddDays(d)), plain.Where(d => d.Item1 == ProcessorId.PGS).Select(d => d.Item2).Where(d => d < day13));
        Assert.Contains((ProcessorId.PGS, day13), plain);
    }

    [Fact]
    public void A_nodes_dependencies_are_computed_once_per_calendar_and_registry()
    {
        var calendar = Calendar();
        var day13 = D0.AddDays(13);
        var first = BackfillPlanner.DependenciesOf(ProcessorId.PSZA, day13, calendar);
        Assert.Same(first, BackfillPlanner.DependenciesOf(ProcessorId.PSZA, day13, calendar));
        Assert.NotSame(first, BackfillPlanner.DependenciesOf(ProcessorId.PSZA, day13, Calendar()));
        // Another registry's PSZA (here without a lookback) gets its own on the same calendar, and the default's stays.
        var noLookback = new ProcessorRegistry(ProcessorRegistry.Default.All.Select(d => d.Id == ProcessorId.PSZA ? d with { Lookback = null } : d));
        Assert.Equal([(ProcessorId.PGS, day13)], BackfillPlanner.DependenciesOf(ProcessorId.PSZA, day13, calendar, noLookback));
        Assert.Same(first, BackfillPlanner.DependenciesOf(ProcessorId.PSZA, day13, calendar));
        Assert.True(first.Count > 1);
    }

    [Fact]
    public void Bootstrap_date_has_no_lookback()
    {
        var deps = BackfillPlanner.DependenciesOf(ProcessorId.PSZA, D0, Calendar());
        Assert.Equal([(ProcessorId.PGS, D0)], deps);
        Assert.Equal([(ProcessorId.PGS, D0)], BackfillPlanner.DependenciesOf(ProcessorId.TDZA, D0, Calendar()));
    }

    [Fact]
    public void TDZA_reads_the_whole_season_before_and_PDC_the_players_seasons_and_14_days()
    {
        var calendar = Calendar();
        var tdza = BackfillPlanner.DependenciesOf(ProcessorId.TDZA, D0.AddDays(5), calendar);
        Assert.Equal(Enumerable.Range(0, 6).Select(d => D0.AddDays(d)), tdza.Where(d => d.Item1 == ProcessorId.PGS).Select(d => d.Item2).Order());
        var pcf = BackfillPlanner.DependenciesOf(ProcessorId.PCF, D0.AddDays(12), calendar);
        Assert.Contains((ProcessorId.PSZA, D0.AddDays(12)), pcf);
        Assert.Contains((ProcessorId.TDZA, D0.AddDays(12)), pcf);
        // D-7 .. D-1 (its own date comes through PSZA and TDZA).
        Assert.Equal(Enumerable.Range(5, 7).Select(d => D0.AddDays(d)), pcf.Where(d => d.Item1 == ProcessorId.PGS).Select(d => d.Item2).Order());
    }

    [Fact]
    public void Preflight_adds_missing_upstream_or_refuses_or_is_skipped()
    {
        var calendar = Calendar();
        // Nothing exists in the warehouse: a PSZA-only backfill of days 10-13 needs PGS for every date it reads.
        var added = BackfillPlanner.Plan(Request(10, 13, ProcessorId.PSZA), calendar, (_, _) => false);
        Assert.Equal(Enumerable.Range(0, 14).Select(d => D0.AddDays(d)), added.Nodes.Where(n => n.Processor == ProcessorId.PGS).Select(n => n.Date));
        Assert.Equal(14, added.AddedByPreflight.Count);
        Assert.False(added.Refused);

        var refused = BackfillPlanner.Plan(Request(10, 13, ProcessorId.PSZA) with { Preflight = PreflightMode.Refuse }, calendar, (_, _) => false);
        Assert.True(refused.Refused);
        Assert.Equal(14, refused.MissingUpstream.Count);
        Assert.All(refused.MissingUpstream, n => Assert.Equal(ProcessorId.PGS, n.Processor));

        var present = BackfillPlanner.Plan(Request(10, 13, ProcessorId.PSZA) with { Preflight = PreflightMode.Refuse }, calendar, (p, _) => p == ProcessorId.PGS);
        Assert.False(present.Refused);
        Assert.Equal(4, present.Nodes.Count);

        var skipped = BackfillPlanner.Plan(Request(10, 13, ProcessorId.PSZA) with { Preflight = PreflightMode.Skip }, calendar, (_, _) => false);
        Assert.True(skipped.PreflightSkipped);
        Assert.Equal(4, skipped.Nodes.Count);
    }
}
