using NbaBackfill.Calendar;
using NbaBackfill.Failures;
using NbaBackfill.Processors;
using NbaBackfill.Raw;
using NbaBackfill.Tables;

namespace NbaBackfill.Warehouse;

/// <summary>
/// A decorator that makes writes fail: transient errors at a seeded rate (off by default; for reliability proofs and
/// chaos runs), and optionally a permanent error chosen by a predicate. Reads are never disturbed.
/// </summary>
public sealed class FaultInjectingWarehouse(IWarehouse inner, double transientRate = 0, int seed = 0) : IWarehouse
{
    private readonly Random _random = new(seed);
    private readonly Lock _gate = new();

    /// <summary>A permanent failure for chosen outputs (tests of the stop/continue policies).</summary>
    public Func<ProcessorResult, Exception?>? PermanentFault { get; init; }

    public int InjectedTransientFaults { get; private set; }

    public string Describe => inner.Describe + (transientRate > 0 ? $" (faults {transientRate:P0}, seed {seed})" : "");

    private void MaybeFail(string operation)
    {
        if (transientRate <= 0) return;
        lock (_gate)
        {
            if (_random.NextDouble() >= transientRate) return;
            InjectedTransientFaults++;
        }
        throw new TransientWarehouseException($"injected transient fault in {operation}");
    }

    public async Task ReplaceOutputAsync(ProcessorResult result, DateTimeOffset now, CancellationToken ct)
    {
        if (PermanentFault?.Invoke(result) is { } e) throw e;
        MaybeFail($"replace {result.Processor}");
        await inner.ReplaceOutputAsync(result, now, ct);
    }

    public Task UpsertAsync(TableSchema table, IReadOnlyList<ITableRow> rows, CancellationToken ct)
    {
        MaybeFail($"upsert {table.Name}");
        return inner.UpsertAsync(table, rows, ct);
    }

    public Task ReplaceRawSeasonAsync(RawSeason season, string source, DateTimeOffset loadedAt, CancellationToken ct) =>
        inner.ReplaceRawSeasonAsync(season, source, loadedAt, ct);

    public Task EnsureSchemaAsync(CancellationToken ct) => inner.EnsureSchemaAsync(ct);
    public Task<IReadOnlyList<T>> ReadAsync<T>(TableSchema table, DateRange range, Func<Row, T> map, CancellationToken ct) => inner.ReadAsync(table, range, map, ct);
    public Task<IReadOnlySet<string>> ReadSeasonsWithShotZonesAsync(CancellationToken ct) => inner.ReadSeasonsWithShotZonesAsync(ct);
    public Task<IReadOnlyList<T>> ReadProjectedAsync<T>(TableSchema table, DateRange range, IReadOnlyList<string> columns, bool distinct, Func<Row, T> map, CancellationToken ct) =>
        inner.ReadProjectedAsync(table, range, columns, distinct, map, ct);
    public Task<IReadOnlyList<FailureRecord>> ReadUnresolvedFailuresAsync(ProcessorId processor, DateRange range, CancellationToken ct) => inner.ReadUnresolvedFailuresAsync(processor, range, ct);
    public Task<IReadOnlyList<object?[]>> ReadAllAsync(TableSchema table, DateRange? range, CancellationToken ct) => inner.ReadAllAsync(table, range, ct);
    public Task<IReadOnlyDictionary<DateOnly, int>> CountByDateAsync(TableSchema table, DateRange range, CancellationToken ct) => inner.CountByDateAsync(table, range, ct);
    public Task<IReadOnlyList<object?[]>> ReadWhereAsync(TableSchema table, string column, object value, CancellationToken ct) => inner.ReadWhereAsync(table, column, value, ct);
    public Task<IReadOnlySet<(ProcessorId Processor, DateOnly Date)>> ReadProcessedNodesAsync(DateRange range, CancellationToken ct) => inner.ReadProcessedNodesAsync(range, ct);
    public Task<int> DeleteFailuresAsync(ProcessorId processor, DateOnly date, string entityId, CancellationToken ct) => inner.DeleteFailuresAsync(processor, date, entityId, ct);

    // The decorated warehouse belongs to whoever created it.
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
