using NbaBackfill.Failures;
using NbaBackfill.Processors;
using NbaBackfill.Reconciliation;

namespace NbaBackfill.Domain.Tests.Reconciliation;

public class CoverageTests
{
    private static readonly ReconciliationCounts Clean = new(3, 2, 1, 0, 0, 0);

    private static FailureRecord F(string category, string type, bool correctable) =>
        new(ProcessorId.PDC, new DateOnly(2021, 12, 1), "1", EntityType.Player, category, "r", correctable, null, type, correctable,
            null, null, null, false, ResolutionStatus.Unresolved, null, "run", Fixtures.Stamp.CreatedAt);

    [Fact]
    public void Cells_are_classified_by_their_worst_explanation()
    {
        Assert.Equal(CoverageState.NoGames, Coverage.Classify(false, ReconciliationCounts.Zero, []));
        Assert.Equal(CoverageState.NotRun, Coverage.Classify(true, new ReconciliationCounts(3, 0, 0, 3, 0, 0), []));
        Assert.Equal(CoverageState.Complete, Coverage.Classify(true, new ReconciliationCounts(3, 3, 0, 0, 0, 0), []));
        Assert.Equal(CoverageState.BootstrapOnly, Coverage.Classify(true, Clean, [F(FailureCategory.InsufficientData, FailureType.InsufficientHistory, false), F(FailureCategory.IncompleteData, FailureType.PlayerDnp, false)]));
        Assert.Equal(CoverageState.Attention, Coverage.Classify(true, Clean, [F(FailureCategory.IncompleteData, FailureType.DataGap, true)]));
        Assert.Equal(CoverageState.Attention, Coverage.Classify(true, Clean, [F(FailureCategory.ProcessingError, FailureType.ProcessingError, true)]));
        Assert.Equal(CoverageState.Blocked, Coverage.Classify(true, Clean, [F(FailureCategory.MissingDependencies, FailureType.DataGap, true)]));
        Assert.Equal(CoverageState.Unaccounted, Coverage.Classify(true, new ReconciliationCounts(3, 1, 1, 1, 0, 0), [F(FailureCategory.IncompleteData, FailureType.DataGap, true)]));
    }

    [Fact]
    public async Task The_bundled_season_has_expected_failures_and_no_unaccounted_cells()
    {
        var cells = await Coverage.ReadAsync(BundledPipeline.Result, new Calendar.DateRange(new DateOnly(2021, 12, 20), new DateOnly(2021, 12, 26)), CancellationToken.None);
        Assert.Equal(7 * 6, cells.Count);
        Assert.All(cells.Where(c => c.Date == new DateOnly(2021, 12, 24)), c => Assert.Equal(CoverageState.NoGames, c.State));
        Assert.All(cells.Where(c => c.Processor == ProcessorId.PGS && c.Date != new DateOnly(2021, 12, 24)), c => Assert.Equal(CoverageState.Complete, c.State));
        Assert.DoesNotContain(cells, c => c.State is CoverageState.Unaccounted or CoverageState.NotRun);
        Assert.Contains(cells, c => c.Processor == ProcessorId.PDC && c.State == CoverageState.BootstrapOnly && c.FailuresByCategory.ContainsKey(FailureCategory.IncompleteData));
    }
}
