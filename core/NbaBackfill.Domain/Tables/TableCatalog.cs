using NbaBackfill.Failures;
using NbaBackfill.Processors;
using NbaBackfill.Raw;
using NbaBackfill.Versions;
using NbaBackfill.Warehouse;

namespace NbaBackfill.Tables;

/// <summary>
/// Every table of the warehouse. Each is declared once, next to its row type (<see cref="TableSchema{TRow}"/>: columns,
/// accessors and reading in one expression); this lists them and finds a processor's.
/// </summary>
public static class TableCatalog
{
    public static TableSchema RawTeams { get; } = RawTeam.Table.Schema;

    public static TableSchema RawGames { get; } = RawGame.Table.Schema;

    public static TableSchema RawBoxScores { get; } = RawBoxScore.Table.Schema;

    public static TableSchema RawShotZones { get; } = RawShotZone.Table.Schema;

    public static TableSchema RawRejects { get; } = RawReject.Table.Schema;

    public static TableSchema RawSeasons { get; } = RawSeasonRow.Table.Schema;

    public static TableSchema AnalyticsFailures { get; } = FailureRecord.Analytics.Schema;

    public static TableSchema PrecomputeFailures { get; } = FailureRecord.Precompute.Schema;

    public static TableSchema BackfillStatus { get; } = StatusRow.Table.Schema;

    public static TableSchema BackfillRuns { get; } = RunRow.Table.Schema;

    /// <summary>Raw version per (season, game date): what a node's raw input fingerprint is made of.</summary>
    public static TableSchema RawVersions { get; } = RawVersionRow.Table.Schema;

    /// <summary>What each node was last computed from and what it produced (data and code versions).</summary>
    public static TableSchema NodeVersions { get; } = NodeVersionRow.Table.Schema;

    /// <summary>The table a processor replaces (its descriptor's).</summary>
    public static TableSchema OutputOf(ProcessorId processor) => ProcessorRegistry.Default.Of(processor).Output;

    public static TableSchema FailuresOf(ProcessorId processor) => FailureRowsOf(processor).Schema;

    /// <summary>The failure table a processor's failures go to (its phase's), with its row type.</summary>
    public static TableSchema<FailureRecord> FailureRowsOf(ProcessorId processor) => FailureRowsOf(ProcessorRegistry.Default.Of(processor));

    /// <summary>The same of a described processor (one of another registry's too).</summary>
    public static TableSchema<FailureRecord> FailureRowsOf(ProcessorDescriptor processor) =>
        processor.Phase == ProcessorPhase.Analytics ? FailureRecord.Analytics : FailureRecord.Precompute;

    public static IReadOnlyList<TableSchema> All { get; } =
    [
        RawTeams, RawGames, RawBoxScores, RawShotZones, RawRejects, RawSeasons,
        .. ProcessorIds.All.Select(OutputOf),
        AnalyticsFailures, PrecomputeFailures, BackfillStatus, BackfillRuns, RawVersions, NodeVersions,
    ];

    public static bool TryFind(string name, out TableSchema table)
    {
        table = All.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase))!;
        return table is not null;
    }
}
