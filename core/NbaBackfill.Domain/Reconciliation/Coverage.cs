using NbaBackfill.Calendar;
using NbaBackfill.Failures;
using NbaBackfill.Processors;
using NbaBackfill.Raw;
using NbaBackfill.Tables;

namespace NbaBackfill.Reconciliation;

/// <summary>The state of one (processor, date) cell of the coverage heatmap.</summary>
public enum CoverageState
{
    /// <summary>No game that day.</summary>
    NoGames,

    /// <summary>Nothing processed for this node yet (no rows, no failures).</summary>
    NotRun,

    /// <summary>Every expected entity has a row.</summary>
    Complete,

    /// <summary>
    /// The only failures are expected, permanent ones — season bootstrap (INSUFFICIENT_HISTORY) or a player who sat
    /// (PLAYER_DNP) — and what inherits them: nothing to fix.
    /// </summary>
    BootstrapOnly,

    /// <summary>Some failures need attention (correctable data gaps, processing errors, unknown causes).</summary>
    Attention,

    /// <summary>The node could not run: an upstream node failed or was blocked.</summary>
    Blocked,

    /// <summary>Some expected entities have neither a row nor a failure (or rows are orphaned / doubly explained).</summary>
    Unaccounted,

    /// <summary>Processed, but its code or inputs changed since: its rows are out of date (reasons on the cell).</summary>
    Stale,
}

public sealed record CoverageCell(
    ProcessorId Processor, DateOnly Date, CoverageState State, ReconciliationCounts Counts,
    IReadOnlyDictionary<string, int> FailuresByCategory, IReadOnlyList<string> StaleReasons);

/// <summary>Classifies each (processor, date) from its reconciliation counts and its unresolved failures (pure).</summary>
public static class Coverage
{
    public static CoverageState Classify(bool gameDay, ReconciliationCounts counts, IReadOnlyCollection<FailureRecord> failures)
    {
        if (!gameDay) return CoverageState.NoGames;
        if (counts.HasRecord == 0 && failures.Count == 0) return CoverageState.NotRun;
        if (!counts.IsClean) return CoverageState.Unaccounted;
        if (failures.Any(f => f.FailureCategory == FailureCategory.MissingDependencies)) return CoverageState.Blocked;
        if (failures.Count == 0) return CoverageState.Complete;
        return failures.All(f => f.FailureType is FailureType.InsufficientHistory or FailureType.PlayerDnp && !f.IsCorrectable)
            ? CoverageState.BootstrapOnly
            : CoverageState.Attention;
    }

    public static async Task<IReadOnlyList<CoverageCell>> ReadAsync(IWarehouseReader warehouse, DateRange range, CancellationToken ct)
    {
        var gameDays = (await warehouse.ReadColumnsAsync(TableCatalog.RawGames, range, ["game_date"], r => r.Date("game_date"), ct, distinct: true)).ToHashSet();
        var report = await ReconciliationReader.ReconcileAsync(warehouse, range, ProcessorIds.All, ct);
        var versions = await Versions.VersionContext.ReadAsync(warehouse, range, Versions.CodeVersions.Declared, ct);
        var cells = new List<CoverageCell>();
        foreach (var processor in report)
        {
            var failures = (await warehouse.ReadUnresolvedFailuresAsync(processor.Processor, range, ct)).ToLookup(f => f.AnalysisDate);
            var counts = processor.Dates.ToDictionary(d => d.Date, d => d.Counts);
            foreach (var date in range.Dates())
            {
                var c = counts.GetValueOrDefault(date, ReconciliationCounts.Zero);
                var f = failures[date].ToList();
                var state = Classify(gameDays.Contains(date), c, f);
                // A processed node whose inputs or code moved on since its recorded version: stale says more than its
                // (old) completeness. Rows without a version (written before versions existed) keep their state.
                var reasons = state is CoverageState.Complete or CoverageState.BootstrapOnly or CoverageState.Attention
                    && versions.Recorded(processor.Processor, date) is not null
                    ? versions.Reasons(processor.Processor, date) : [];
                cells.Add(new CoverageCell(processor.Processor, date, reasons.Count > 0 ? CoverageState.Stale : state, c,
                    f.GroupBy(x => x.FailureCategory).ToDictionary(g => g.Key, g => g.Count()), reasons));
            }
        }
        return cells;
    }
}
