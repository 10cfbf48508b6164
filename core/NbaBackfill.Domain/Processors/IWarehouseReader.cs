using NbaBackfill.Calendar;
using NbaBackfill.Failures;
using NbaBackfill.Tables;

namespace NbaBackfill.Processors;

/// <summary>The read side of the warehouse port, as processors need it.</summary>
public interface IWarehouseReader
{
    /// <summary>Rows of a table whose partition date lies in the range.</summary>
    Task<IReadOnlyList<T>> ReadAsync<T>(TableSchema table, DateRange range, Func<Row, T> map, CancellationToken ct);

    /// <summary>
    /// Whole rows of a declared table whose partition date lies in the range, as its row type (how processors read
    /// their inputs). Adapters that read typed values override it to skip boxing; the rows are the same either way.
    /// </summary>
    Task<IReadOnlyList<TRow>> ReadRowsAsync<TRow>(TableSchema<TRow> table, DateRange range, CancellationToken ct) =>
        ReadAsync(table.Schema, range, table.From, ct);

    /// <summary>
    /// Only some columns (optionally distinct rows), each placed at its schema index in the row so the usual
    /// mappers work: key-only reads (reconciliation, planning) skip the wide rows.
    /// </summary>
    Task<IReadOnlyList<T>> ReadProjectedAsync<T>(
        TableSchema table, DateRange range, IReadOnlyList<string> columns, bool distinct, Func<Row, T> map, CancellationToken ct);

    /// <summary>
    /// The (date, entity) keys of a table's rows whose partition date lies in the range, each entity as the text entity
    /// keys use (an id's digits): what reconciliation compares, without the rows. Adapters override it to read the two
    /// columns unboxed (a season's keys are ~200k rows at every run's end).
    /// </summary>
    Task<IReadOnlyList<(DateOnly Date, string Entity)>> ReadKeysAsync(TableSchema table, DateRange range, string entityColumn, bool distinct, CancellationToken ct) =>
        this.ReadKeysByColumnsAsync(table, range, entityColumn, distinct, ct);

    /// <summary>The (date, entity) keys of a processor's failures (in its phase's table) on the range that are not RESOLVED.</summary>
    Task<IReadOnlyList<(DateOnly Date, string Entity)>> ReadUnresolvedFailureKeysAsync(TableSchema failures, ProcessorId processor, DateRange range, CancellationToken ct) =>
        this.ReadUnresolvedFailureKeysByColumnsAsync(failures, processor, range, ct);

    /// <summary>Seasons whose raw load included player_shot_zones.csv.</summary>
    Task<IReadOnlySet<string>> ReadSeasonsWithShotZonesAsync(CancellationToken ct);

    /// <summary>A processor's failures on the range that are not RESOLVED.</summary>
    Task<IReadOnlyList<FailureRecord>> ReadUnresolvedFailuresAsync(ProcessorId processor, DateRange range, CancellationToken ct);
}

public static class WarehouseReaderExtensions
{
    /// <summary>
    /// Only the named columns (optionally distinct rows), read by name: key-only reads (reconciliation, planning,
    /// reports) skip the wide rows without counting column positions.
    /// </summary>
    public static Task<IReadOnlyList<T>> ReadColumnsAsync<T>(
        this IWarehouseReader warehouse, TableSchema table, DateRange range, IReadOnlyList<string> columns, Func<NamedRow, T> map,
        CancellationToken ct, bool distinct = false)
    {
        var index = columns.ToDictionary(c => c, table.IndexOf, StringComparer.Ordinal);
        return warehouse.ReadProjectedAsync(table, range, columns, distinct, r => map(new NamedRow(index, r.Values)), ct);
    }

    /// <summary><see cref="IWarehouseReader.ReadKeysAsync"/> as a projected read (adapters without a typed one).</summary>
    public static Task<IReadOnlyList<(DateOnly Date, string Entity)>> ReadKeysByColumnsAsync(
        this IWarehouseReader warehouse, TableSchema table, DateRange range, string entityColumn, bool distinct, CancellationToken ct)
    {
        var dateColumn = table.PartitionColumn ?? throw new ArgumentException($"{table.Name} has no partition date", nameof(table));
        return warehouse.ReadColumnsAsync(table, range, [dateColumn, entityColumn], r => (r.Date(dateColumn), r.Id(entityColumn)), ct, distinct);
    }

    /// <summary><see cref="IWarehouseReader.ReadUnresolvedFailureKeysAsync"/> as a projected read, filtered here.</summary>
    public static async Task<IReadOnlyList<(DateOnly Date, string Entity)>> ReadUnresolvedFailureKeysByColumnsAsync(
        this IWarehouseReader warehouse, TableSchema failures, ProcessorId processor, DateRange range, CancellationToken ct) =>
        [.. (await warehouse.ReadColumnsAsync(failures, range, ["processor_name", "analysis_date", "entity_id", "resolution_status"],
                r => (Processor: r.Str("processor_name"), Date: r.Date("analysis_date"), Entity: r.Str("entity_id"), Status: r.StrOrNull("resolution_status")), ct))
            .Where(f => f.Processor == processor.ToString() && f.Status != ResolutionStatus.Resolved).Select(f => (f.Date, f.Entity))];
}
