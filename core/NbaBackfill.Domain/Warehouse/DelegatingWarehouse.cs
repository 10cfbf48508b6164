using NbaBackfill.Calendar;
using NbaBackfill.Failures;
using NbaBackfill.Processors;
using NbaBackfill.Raw;
using NbaBackfill.Tables;

namespace NbaBackfill.Warehouse;

/// <summary>A warehouse decorator's base: forwards everything to the inner warehouse; subclasses override what they change.</summary>
public abstract class DelegatingWarehouse(IWarehouse inner) : IWarehouse
{
    protected IWarehouse Inner { get; } = inner;

    public virtual string Describe => Inner.Describe;
    public virtual Task EnsureSchemaAsync(CancellationToken ct) => Inner.EnsureSchemaAsync(ct);
    public virtual Task ReplaceRawAsync(Versions.RawLoad load, CancellationToken ct) => Inner.ReplaceRawAsync(load, ct);
    public virtual Task ReplaceOutputAsync(ProcessorResult result, DateTimeOffset now, CancellationToken ct) => Inner.ReplaceOutputAsync(result, now, ct);
    public virtual Task UpsertAsync(TableSchema table, IReadOnlyList<ITableRow> rows, CancellationToken ct) => Inner.UpsertAsync(table, rows, ct);

    /// <summary>
    /// By default through this decorator's own <see cref="ReplaceOutputAsync(ProcessorResult, DateTimeOffset, CancellationToken)"/>
    /// and <see cref="UpsertAsync"/>, one after the other: a decorator that changes only those still sees every write.
    /// Decorators that change nothing of a write's substance forward it whole, so the inner warehouse's one transaction holds.
    /// </summary>
    public virtual Task ReplaceOutputAsync(ProcessorResult result, DateTimeOffset now, Func<Task<IReadOnlyList<TableRows>>> then, CancellationToken ct) =>
        IWarehouse.ReplaceThenUpsertAsync(this, result, now, then, ct);
    public virtual Task<IReadOnlyList<T>> ReadAsync<T>(TableSchema table, DateRange range, Func<Row, T> map, CancellationToken ct) => Inner.ReadAsync(table, range, map, ct);
    public virtual Task<IReadOnlyList<TRow>> ReadRowsAsync<TRow>(TableSchema<TRow> table, DateRange range, CancellationToken ct) => Inner.ReadRowsAsync(table, range, ct);
    public virtual Task<IReadOnlyList<T>> ReadProjectedAsync<T>(TableSchema table, DateRange range, IReadOnlyList<string> columns, bool distinct, Func<Row, T> map, CancellationToken ct) =>
        Inner.ReadProjectedAsync(table, range, columns, distinct, map, ct);
    public virtual Task<IReadOnlyList<(DateOnly Date, string Entity)>> ReadKeysAsync(TableSchema table, DateRange range, string entityColumn, bool distinct, CancellationToken ct) =>
        Inner.ReadKeysAsync(table, range, entityColumn, distinct, ct);
    public virtual Task<IReadOnlyList<(DateOnly Date, string Entity)>> ReadUnresolvedFailureKeysAsync(TableSchema failures, ProcessorId processor, DateRange range, CancellationToken ct) =>
        Inner.ReadUnresolvedFailureKeysAsync(failures, processor, range, ct);
    public virtual Task<IReadOnlySet<string>> ReadSeasonsWithShotZonesAsync(CancellationToken ct) => Inner.ReadSeasonsWithShotZonesAsync(ct);
    public virtual Task<IReadOnlyList<FailureRecord>> ReadUnresolvedFailuresAsync(ProcessorId processor, DateRange range, CancellationToken ct) => Inner.ReadUnresolvedFailuresAsync(processor, range, ct);
    public virtual Task<IReadOnlyList<object?[]>> ReadAllAsync(TableSchema table, DateRange? range, CancellationToken ct) => Inner.ReadAllAsync(table, range, ct);
    public virtual Task<IReadOnlyDictionary<DateOnly, int>> CountByDateAsync(TableSchema table, DateRange range, CancellationToken ct) => Inner.CountByDateAsync(table, range, ct);
    public virtual Task<IReadOnlyList<GroupCount>> CountGroupsAsync(TableSchema table, IReadOnlyList<string> groupBy, DateRange? range, string? whereColumn, object? whereValue, CancellationToken ct) =>
        Inner.CountGroupsAsync(table, groupBy, range, whereColumn, whereValue, ct);
    public virtual Task<IReadOnlyList<object?[]>> ReadWhereAsync(TableSchema table, string column, object value, CancellationToken ct) => Inner.ReadWhereAsync(table, column, value, ct);
    public virtual Task<IReadOnlyList<object?[]>> ReadWhereAsync(TableSchema table, string column, object value, DateRange within, CancellationToken ct) => Inner.ReadWhereAsync(table, column, value, within, ct);
    public virtual Task<IReadOnlySet<(ProcessorId Processor, DateOnly Date)>> ReadProcessedNodesAsync(DateRange range, IReadOnlyCollection<ProcessorId> processors, CancellationToken ct) =>
        Inner.ReadProcessedNodesAsync(range, processors, ct);
    public virtual Task<int> DeleteFailuresAsync(ProcessorId processor, DateOnly date, string entityId, CancellationToken ct) => Inner.DeleteFailuresAsync(processor, date, entityId, ct);
    public virtual ValueTask DisposeAsync() => Inner.DisposeAsync();
}
