using NbaBackfill.Calendar;
using NbaBackfill.Processors;
using NbaBackfill.Raw;
using NbaBackfill.Tables;

namespace NbaBackfill.Warehouse;

/// <summary>
/// Keeps the season-history reads that several processors make (raw tables and player_game_summary over the same
/// range, whole or projected) in memory, dropping a table's entries whenever this process writes it. Only valid while this process is the
/// warehouse's sole writer — true of the embedded DuckDB file, which one process at a time may open.
/// </summary>
public sealed class CachingWarehouse(IWarehouse inner) : DelegatingWarehouse(inner)
{
    private static readonly HashSet<string> Cached =
        [TableCatalog.RawGames.Name, TableCatalog.RawBoxScores.Name, PgsRow.Schema.Name];

    // Reads in flight are shared: processors of one wave (PSZA and TDZA after PGS) ask for the same history at once.
    // Shape: "" for whole rows, else the projected columns (the calendar of every activity is one such projection).
    private readonly Dictionary<(string Table, string Shape, DateRange Range), Task<IReadOnlyList<object?[]>>> _rows = [];
    private readonly Lock _gate = new();

    public int Hits { get; private set; }

    public override async Task<IReadOnlyList<T>> ReadAsync<T>(TableSchema table, DateRange range, Func<Row, T> map, CancellationToken ct) =>
        Cached.Contains(table.Name)
            ? await SharedAsync(table, "", range, map, innerCt => Inner.ReadAsync(table, range, r => r.Values, innerCt), ct)
            : await Inner.ReadAsync(table, range, map, ct);

    public override async Task<IReadOnlyList<T>> ReadProjectedAsync<T>(
        TableSchema table, DateRange range, IReadOnlyList<string> columns, bool distinct, Func<Row, T> map, CancellationToken ct) =>
        Cached.Contains(table.Name)
            ? await SharedAsync(table, (distinct ? "distinct " : "") + string.Join(",", columns), range, map,
                innerCt => Inner.ReadProjectedAsync(table, range, columns, distinct, r => r.Values, innerCt), ct)
            : await Inner.ReadProjectedAsync(table, range, columns, distinct, map, ct);

    private async Task<IReadOnlyList<T>> SharedAsync<T>(
        TableSchema table, string shape, DateRange range, Func<Row, T> map, Func<CancellationToken, Task<IReadOnlyList<object?[]>>> read, CancellationToken ct)
    {
        var key = (table.Name, shape, range);
        Task<IReadOnlyList<object?[]>>? shared;
        TaskCompletionSource<IReadOnlyList<object?[]>>? mine = null;
        lock (_gate)
        {
            if (_rows.TryGetValue(key, out shared))
            {
                Hits++;
            }
            else
            {
                // One range per table and shape: bounded memory, and the shared case (every processor of a batch
                // reading the same season history) still hits. A write of the table drops its entries, in flight or
                // not, so no read that began before a write is handed to a reader that came after it.
                foreach (var old in _rows.Keys.Where(k => k.Table == table.Name && k.Shape == shape).ToList()) _rows.Remove(old);
                mine = new TaskCompletionSource<IReadOnlyList<object?[]>>(TaskCreationOptions.RunContinuationsAsynchronously);
                _rows[key] = shared = mine.Task;
            }
        }
        if (mine is not null)
        {
            try
            {
                mine.SetResult(await read(ct));
            }
            catch (Exception e)
            {
                lock (_gate)
                {
                    if (_rows.GetValueOrDefault(key) == mine.Task) _rows.Remove(key);
                }
                mine.SetException(e);
                throw;
            }
        }
        IReadOnlyList<object?[]> rows;
        try
        {
            rows = await shared.WaitAsync(ct);
        }
        catch (OperationCanceledException) when (mine is null && !ct.IsCancellationRequested)
        {
            // The reader this one joined was cancelled, not this one: read for itself.
            rows = await read(ct);
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
