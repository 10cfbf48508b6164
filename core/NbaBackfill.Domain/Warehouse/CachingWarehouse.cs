using NbaBackfill.Calendar;
using NbaBackfill.Failures;
using NbaBackfill.Processors;
using NbaBackfill.Raw;
using NbaBackfill.Tables;

namespace NbaBackfill.Warehouse;

/// <summary>
/// Keeps the season-history reads that several processors make (raw tables and player_game_summary over the same
/// range) in memory, dropping a table's entries whenever this process writes it. Only valid while this process is the
/// warehouse's sole writer — true of the embedded DuckDB file, which one process at a time may open.
/// </summary>
public sealed class CachingWarehouse(IWarehouse inner) : IWarehouse
{
    private static readonly HashSet<string> Cached =
        [TableCatalog.RawGames.Name, TableCatalog.RawBoxScores.Name, PgsRow.Schema.Name];

    private readonly Dictionary<(string Table, DateRange Range), IReadOnlyList<object?[]>> _rows = [];
    private readonly Lock _gate = new();

    public string Describe => inner.Describe;

    public int Hits { get; private set; }

    public async Task<IReadOnlyList<T>> ReadAsync<T>(TableSchema table, DateRange range, Func<Row, T> map, CancellationToken ct)
    {
        if (!Cached.Contains(table.Name)) return await inner.ReadAsync(table, range, map, ct);
        IReadOnlyList<object?[]>? rows;
        lock (_gate)
        {
            if (_rows.TryGetValue((table.Name, range), out rows)) Hits++;
        }
        if (rows is null)
        {
            rows = await inner.ReadAsync(table, range, r => r.Values, ct);
            lock (_gate)
            {
                // One range per table: bounded memory, and the shared case (every processor of a batch reading the same
                // season history) still hits.
                foreach (var stale in _rows.Keys.Where(k => k.Table == table.Name).ToList()) _rows.Remove(stale);
                _rows[(table.Name, range)] = rows;
            }
        }
        return rows.Select(v => map(new Row(v))).ToList();
    }

    private void Forget(params string[] tables)
    {
        lock (_gate)
        {
            foreach (var key in _rows.Keys.Where(k => tables.Length == 0 || tables.Contains(k.Table)).ToList()) _rows.Remove(key);
        }
    }

    public async Task ReplaceOutputAsync(ProcessorResult result, DateTimeOffset now, CancellationToken ct)
    {
        Forget(result.Table.Name);
        await inner.ReplaceOutputAsync(result, now, ct);
        Forget(result.Table.Name);
    }

    public async Task ReplaceRawSeasonAsync(RawSeason season, string source, DateTimeOffset loadedAt, CancellationToken ct)
    {
        Forget();
        await inner.ReplaceRawSeasonAsync(season, source, loadedAt, ct);
        Forget();
    }

    public async Task UpsertAsync(TableSchema table, IReadOnlyList<ITableRow> rows, CancellationToken ct)
    {
        Forget(table.Name);
        await inner.UpsertAsync(table, rows, ct);
        Forget(table.Name);
    }

    public Task EnsureSchemaAsync(CancellationToken ct) => inner.EnsureSchemaAsync(ct);
    public Task<IReadOnlyList<T>> ReadProjectedAsync<T>(TableSchema table, DateRange range, IReadOnlyList<string> columns, bool distinct, Func<Row, T> map, CancellationToken ct) =>
        inner.ReadProjectedAsync(table, range, columns, distinct, map, ct);
    public Task<IReadOnlySet<string>> ReadSeasonsWithShotZonesAsync(CancellationToken ct) => inner.ReadSeasonsWithShotZonesAsync(ct);
    public Task<IReadOnlyList<FailureRecord>> ReadUnresolvedFailuresAsync(ProcessorId processor, DateRange range, CancellationToken ct) => inner.ReadUnresolvedFailuresAsync(processor, range, ct);
    public Task<IReadOnlyList<object?[]>> ReadAllAsync(TableSchema table, DateRange? range, CancellationToken ct) => inner.ReadAllAsync(table, range, ct);
    public Task<IReadOnlyDictionary<DateOnly, int>> CountByDateAsync(TableSchema table, DateRange range, CancellationToken ct) => inner.CountByDateAsync(table, range, ct);
    public Task<IReadOnlyList<object?[]>> ReadWhereAsync(TableSchema table, string column, object value, CancellationToken ct) => inner.ReadWhereAsync(table, column, value, ct);
    public Task<IReadOnlySet<(ProcessorId Processor, DateOnly Date)>> ReadProcessedNodesAsync(DateRange range, CancellationToken ct) => inner.ReadProcessedNodesAsync(range, ct);
    public Task<int> DeleteFailuresAsync(ProcessorId processor, DateOnly date, string entityId, CancellationToken ct) => inner.DeleteFailuresAsync(processor, date, entityId, ct);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
