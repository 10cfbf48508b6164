using NbaBackfill.Calendar;
using NbaBackfill.Processors;
using NbaBackfill.Raw;
using NbaBackfill.Tables;
using NbaBackfill.Versions;

namespace NbaBackfill.Warehouse;

/// <summary>
/// The warehouse port. Every write is idempotent and atomic for the dates it names (partition replace), because the
/// activities that call it run at least once.
/// </summary>
public interface IWarehouse : IWarehouseReader, IAsyncDisposable
{
    /// <summary>A short name for messages: "duckdb:/path" or "bigquery:project.dataset".</summary>
    string Describe { get; }

    Task EnsureSchemaAsync(CancellationToken ct);

    /// <summary>
    /// Replaces the raw rows of a season (all of them, or those of <see cref="RawLoad.Dates"/>) and their
    /// raw_versions rows, in one transaction: raw data and its versions never disagree.
    /// </summary>
    Task ReplaceRawAsync(RawLoad load, CancellationToken ct);

    /// <summary>
    /// Replaces the processor's rows and failures for exactly <see cref="ProcessorResult.Dates"/>, in one transaction,
    /// with the re-run semantics of <see cref="Failures.FailureReplacement"/>.
    /// </summary>
    Task ReplaceOutputAsync(ProcessorResult result, DateTimeOffset now, CancellationToken ct);

    /// <summary>
    /// Replaces the output as <see cref="ReplaceOutputAsync(ProcessorResult, DateTimeOffset, CancellationToken)"/> does,
    /// then upserts the rows <paramref name="then"/> gives (a batch's succeeded status and its nodes' versions: rows
    /// that say the output is there), in the output's transaction where the warehouse can, else right after it, in that
    /// order. <paramref name="then"/> is called once the output is written (what it hashes may overlap the write).
    /// </summary>
    Task ReplaceOutputAsync(ProcessorResult result, DateTimeOffset now, Func<Task<IReadOnlyList<TableRows>>> then, CancellationToken ct) =>
        ReplaceThenUpsertAsync(this, result, now, then, ct);

    /// <summary>The combined write decomposed: <paramref name="warehouse"/>'s replace, then its upserts, in that order.</summary>
    protected static async Task ReplaceThenUpsertAsync(
        IWarehouse warehouse, ProcessorResult result, DateTimeOffset now, Func<Task<IReadOnlyList<TableRows>>> then, CancellationToken ct)
    {
        await warehouse.ReplaceOutputAsync(result, now, ct);
        foreach (var rows in await then()) await warehouse.UpsertAsync(rows.Table, rows.Rows, ct);
    }

    Task UpsertAsync(TableSchema table, IReadOnlyList<ITableRow> rows, CancellationToken ct);

    /// <summary>All rows of a table (optionally one partition range), ordered by the table's key.</summary>
    Task<IReadOnlyList<object?[]>> ReadAllAsync(TableSchema table, DateRange? range, CancellationToken ct);

    /// <summary>Row counts per partition date.</summary>
    Task<IReadOnlyDictionary<DateOnly, int>> CountByDateAsync(TableSchema table, DateRange range, CancellationToken ct);

    /// <summary>
    /// Row counts per distinct value of <paramref name="groupBy"/> in one GROUP BY (status pages poll this, so it must
    /// not read rows): optionally within a partition range, and where <paramref name="whereColumn"/> = value.
    /// </summary>
    Task<IReadOnlyList<GroupCount>> CountGroupsAsync(
        TableSchema table, IReadOnlyList<string> groupBy, DateRange? range, string? whereColumn, object? whereValue, CancellationToken ct);

    /// <summary>Rows of a keyed table matching column = value (status rows of a run, a run by id).</summary>
    Task<IReadOnlyList<object?[]>> ReadWhereAsync(TableSchema table, string column, object value, CancellationToken ct);

    /// <summary>
    /// The same within a range of the table's partition dates: what a read of a partitioned table (backfill_status)
    /// must name, so BigQuery scans those partitions only.
    /// </summary>
    Task<IReadOnlyList<object?[]>> ReadWhereAsync(TableSchema table, string column, object value, DateRange within, CancellationToken ct);

    /// <summary>
    /// (processor, date) pairs of <paramref name="processors"/> that have output rows or failures: nodes that were
    /// processed at some point. (A plan asks about few: a daily run's about PGS's history only.)
    /// </summary>
    Task<IReadOnlySet<(ProcessorId Processor, DateOnly Date)>> ReadProcessedNodesAsync(DateRange range, IReadOnlyCollection<ProcessorId> processors, CancellationToken ct);

    /// <summary>Deletes failure rows (operator tooling and tests of the reconciliation invariant).</summary>
    Task<int> DeleteFailuresAsync(ProcessorId processor, DateOnly date, string entityId, CancellationToken ct);
}

public static class WarehouseExtensions
{
    /// <summary>Replaces every raw table's rows of that season (a whole-season <see cref="RawLoad"/>).</summary>
    public static Task ReplaceRawSeasonAsync(this IWarehouse warehouse, RawSeason season, string source, DateTimeOffset loadedAt, CancellationToken ct) =>
        warehouse.ReplaceRawAsync(new RawLoad(season, null, source, loadedAt), ct);
}

/// <summary>Rows to upsert into one table.</summary>
public sealed record TableRows(TableSchema Table, IReadOnlyList<ITableRow> Rows);

/// <summary>One group of <see cref="IWarehouse.CountGroupsAsync"/>: its values of the grouping columns, and its row count.</summary>
public sealed record GroupCount(IReadOnlyList<object?> Keys, long Count);
