using NbaBackfill.Calendar;
using NbaBackfill.Processors;
using NbaBackfill.Raw;
using NbaBackfill.Tables;

namespace NbaBackfill.Warehouse;

/// <summary>
/// Keeps the season-history reads that several processors make (raw tables and player_game_summary over the same
/// range) in memory, dropping a table's entries whenever this process writes it. Only valid while this process is the
/// warehouse's sole writer — true of the embedded DuckDB file, which one process at a time may open.
/// </summary>
public sealed class CachingWarehouse(IWarehouse inner) : DelegatingWarehouse(inner)
{
    private static readonly HashSet<string> Cached =
        [TableCatalog.RawGames.Name, TableCatalog.RawBoxScores.Name, PgsRow.Schema.Name];

    private readonly Dictionary<(string Table, DateRange Range), IReadOnlyList<object?[]>> _rows = [];
    private readonly Dictionary<string, long> _generation = [];
    private readonly Lock _gate = new();

    public int Hits { get; private set; }

    public override async Task<IReadOnlyList<T>> ReadAsync<T>(TableSchema table, DateRange range, Func<Row, T> map, CancellationToken ct)
    {
        if (!Cached.Contains(table.Name)) return await Inner.ReadAsync(table, range, map, ct);
        IReadOnlyList<object?[]>? rows;
        long generation;
        lock (_gate)
        {
            if (_rows.TryGetValue((table.Name, range), out rows)) Hits++;
            generation = _generation.GetValueOrDefault(table.Name);
        }
        if (rows is null)
        {
            rows = await Inner.ReadAsync(table, range, r => r.Values, ct);
            lock (_gate)
            {
                // A write of the table that began after this read did may not be in its rows: keep them only if none did.
                if (_generation.GetValueOrDefault(table.Name) == generation)
                {
                    // One range per table: bounded memory, and the shared case (every processor of a batch reading the
                    // same season history) still hits.
                    foreach (var stale in _rows.Keys.Where(k => k.Table == table.Name).ToList()) _rows.Remove(stale);
                    _rows[(table.Name, range)] = rows;
                }
            }
        }
        return rows.Select(v => map(new Row(v))).ToList();
    }

    private void Forget(params string[] tables)
    {
        lock (_gate)
        {
            foreach (var key in _rows.Keys.Where(k => tables.Length == 0 || tables.Contains(k.Table)).ToList()) _rows.Remove(key);
            foreach (var table in tables.Length == 0 ? [.. Cached] : tables) _generation[table] = _generation.GetValueOrDefault(table) + 1;
        }
    }

    public override async Task ReplaceOutputAsync(ProcessorResult result, DateTimeOffset now, CancellationToken ct)
    {
        Forget(result.Table.Name);
        await Inner.ReplaceOutputAsync(result, now, ct);
        Forget(result.Table.Name);
    }

    public override async Task ReplaceRawAsync(Versions.RawLoad load, CancellationToken ct)
    {
        Forget();
        await Inner.ReplaceRawAsync(load, ct);
        Forget();
    }

    public override async Task UpsertAsync(TableSchema table, IReadOnlyList<ITableRow> rows, CancellationToken ct)
    {
        Forget(table.Name);
        await Inner.UpsertAsync(table, rows, ct);
        Forget(table.Name);
    }
}
