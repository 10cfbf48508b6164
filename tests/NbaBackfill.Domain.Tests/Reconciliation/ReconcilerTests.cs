using NbaBackfill.Failures;
using NbaBackfill.Processors;
using NbaBackfill.Reconciliation;
using NbaBackfill.Tables;

namespace NbaBackfill.Domain.Tests.Reconciliation;

public class ReconcilerTests
{
    private static readonly DateOnly D = new(2021, 12, 1);

    [Fact]
    public void Counts_partition_the_expected_population()
    {
        var keys = new EntityKeys(
            Expected: [(D, "a"), (D, "b"), (D, "c"), (D, "d")],
            Records: [(D, "a"), (D, "d"), (D, "x")],
            UnresolvedFailures: [(D, "b"), (D, "d")]);
        var r = Reconciler.Reconcile(ProcessorId.PSZA, keys, [D]);
        Assert.Equal(new ReconciliationCounts(4, 2, 1, 1, 1, 1), r.Totals);
        Assert.Equal(0.75, r.Totals.Coverage);
        Assert.False(r.Totals.IsClean);
    }

    [Fact]
    public void Keys_count_once_per_date_and_an_unexpected_row_with_a_failure_is_an_orphan_in_both()
    {
        var next = D.AddDays(1);
        var keys = new EntityKeys(
            Expected: [(D, "a"), (D, "a"), (next, "a")],
            Records: [(D, "a"), (D, "a"), (next, "y")],
            UnresolvedFailures: [(next, "y"), (next, "z")]);
        var r = Reconciler.Reconcile(ProcessorId.PGS, keys, [next, D]);
        Assert.Equal([(D, new ReconciliationCounts(1, 1, 0, 0, 0, 0)), (next, new ReconciliationCounts(1, 0, 0, 1, 1, 1))],
            r.Dates.Select(d => (d.Date, d.Counts)));
        Assert.Equal(new ReconciliationCounts(2, 1, 0, 1, 1, 1), r.Totals);
    }

    [Fact]
    public void A_date_with_only_failures_of_entities_nobody_expected_is_listed_with_nothing_counted()
    {
        var other = D.AddDays(3);
        var r = Reconciler.Reconcile(ProcessorId.PCF, new EntityKeys([(D, "a"), (D, "b")], [(D, "a")], [(D, "b"), (D, "q"), (other, "q")]), [D]);
        Assert.Equal([(D, new ReconciliationCounts(2, 1, 1, 0, 0, 0)), (other, ReconciliationCounts.Zero)], r.Dates.Select(d => (d.Date, d.Counts)));
    }

    [Fact]
    public void No_game_date_counts_zero_and_full_coverage()
    {
        var r = Reconciler.Reconcile(ProcessorId.PGS, new EntityKeys([], [], []), [D]);
        Assert.Equal(ReconciliationCounts.Zero, Assert.Single(r.Dates).Counts);
        Assert.Equal(1.0, r.Totals.Coverage);
    }

    [Fact]
    public async Task Whole_bundled_season_reconciles_clean_for_every_processor()
    {
        var report = await ReconciliationReader.ReconcileAsync(BundledPipeline.Result, Fixtures.Season2021, ProcessorIds.All, CancellationToken.None);
        Assert.All(report, r => Assert.True(r.Totals.IsClean, $"{r.Processor}: {r.Totals}"));
        Assert.Equal([26039, 26039, 2460, 26039, 26039, 26039], report.Select(r => r.Totals.Expected));
        Assert.Equal([26039, 20634, 2160, 20546, 11887, 11887], report.Select(r => r.Totals.HasRecord));
        Assert.All(report, r => Assert.Equal(165, r.Dates.Count));
    }

    [Fact]
    public async Task Deleting_a_failure_row_makes_it_unaccounted()
    {
        var w = InMemoryWarehouse.Of(MiniSeason.Daily(12).Parse());
        var range = new Calendar.DateRange(MiniSeason.Day1, MiniSeason.Day1.AddDays(11));
        await w.RunAllAsync(range, Fixtures.Stamp);
        Assert.All(await ReconciliationReader.ReconcileAsync(w, range, ProcessorIds.All, CancellationToken.None), r => Assert.True(r.Totals.IsClean));

        var failures = w.Rows(TableCatalog.PrecomputeFailures);
        var victim = failures.First(f => (string)f[0]! == "PDC");
        failures.Remove(victim);
        var report = await ReconciliationReader.ReconcileAsync(w, range, [ProcessorId.PDC], CancellationToken.None);
        Assert.Equal(1, report[0].Totals.Unaccounted);
        Assert.Equal(1, Assert.Single(report[0].Dates, d => d.Date == (DateOnly)victim[1]!).Counts.Unaccounted);
    }
}
