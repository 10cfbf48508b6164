using NbaBackfill.Calendar;
using NbaBackfill.Processors;
using NbaBackfill.Raw;
using NbaBackfill.Tables;

namespace NbaBackfill.Warehouse;

/// <summary>
/// Keeps the season-history reads that several processors make (raw games and player_game_summary over the same
/// range, whole or projected; the raw box scores' projections) in memory, dropping a table's entries whose range holds
/// a date this process writes. Typed whole rows are kept as the rows themselves and handed to every reader (rows are
/// immutable records): one copy, few objects for the GC to trace. A whole-row read of a longer range from the same
/// first date reads only the dates beyond the kept entry (the daily run reads its season's history up to today, and
/// kept it up to yesterday). Only valid while this process is the warehouse's sole writer — true of the embedded
/// DuckDB file, which one process at a time may open.
/// </summary>
public sealed class CachingWarehouse(IWarehouse inner) : DelegatingWarehouse(inner)
{
    // Raw box scores are read whole by PGS alone; kept, they would only weigh on every collection of the run.
    private static readonly HashSet<string> WholeRowsCached = [TableCatalog.RawGames.Name, PgsRow.Schema.Name];
    private static readonly HashSet<string> ProjectionsCached = [.. WholeRowsCached, TableCatalog.RawBoxScores.Name];
    // Typed: the same tables' rows, and the box scores' keys every activity's planning calendar is built from.
    private static readonly HashSet<Type> TypedRowsCached = [typeof(RawGame), typeof(PgsRow), typeof(Planning.PlayerGameKey)];

    // Reads in flight are shared: processors of one wave (PSZA and TDZA after PGS) ask for the same history at once.
    // Shape: "" for boxed whole rows, "(rows of T)" for typed ones (the calendar keys of every activity among them),
    // else the projected columns (the teams of each game). Each entry is a Task<IReadOnlyList<X>> of the X its shape names.
    private readonly Dictionary<(string Table, string Shape, DateRange Range), Task> _rows = [];
    private readonly Lock _gate = new();

    public int Hits { get; private set; }

    public override async Task<IReadOnlyList<T>> ReadAsync<T>(TableSchema table, DateRange range, Func<Row, T> map, CancellationToken ct) =>
        WholeRowsCached.Contains(table.Name)
            ? Map(await SharedAsync(table, WholeRows, range, (r, innerCt) => Inner.ReadAsync(table, r, row => row.Values, innerCt), ct), map)
            : await Inner.ReadAsync(table, range, map, ct);

    public override async Task<IReadOnlyList<TRow>> ReadRowsAsync<TRow>(TableSchema<TRow> table, DateRange range, CancellationToken ct) =>
        TypedRowsCached.Contains(typeof(TRow))
            ? await SharedAsync(table.Schema, TypedRows<TRow>.Shape, range, (r, innerCt) => Inner.ReadRowsAsync(table, r, innerCt), ct)
            : await Inner.ReadRowsAsync(table, range, ct);

    public override async Task<IReadOnlyList<T>> ReadProjectedAsync<T>(
        TableSchema table, DateRange range, IReadOnlyList<string> columns, bool distinct, Func<Row, T> map, CancellationToken ct) =>
        ProjectionsCached.Contains(table.Name)
            ? Map(await SharedAsync(table, (distinct ? "distinct " : "") + string.Join(",", columns), range,
                (r, innerCt) => Inner.ReadProjectedAsync(table, r, columns, distinct, row => row.Values, innerCt), ct), map)
            : await Inner.ReadProjectedAsync(table, range, columns, distinct, map, ct);

    private static List<T> Map<T>(IReadOnlyList<object?[]> rows, Func<Row, T> map) => rows.Select(v => map(new Row(v))).ToList();

    private static class TypedRows<TRow>
    {
        public static readonly string Shape = $"(rows of {typeof(TRow).FullName})";
    }

    private async Task<IReadOnlyList<TRow>> SharedAsync<TRow>(
        TableSchema table, string shape, DateRange range, Func<DateRange, CancellationToken, Task<IReadOnlyList<TRow>>> read, CancellationToken ct)
    {
        var key = (table.Name, shape, range);
        Task<IReadOnlyList<TRow>>? shared;
        TaskCompletionSource<IReadOnlyList<TRow>>? mine = null;
        (Task<IReadOnlyList<TRow>> Rows, DateOnly To)? kept = null;
        lock (_gate)
        {
            if (_rows.TryGetValue(key, out var entry))
            {
                shared = (Task<IReadOnlyList<TRow>>)entry;
                Hits++;
            }
            else
            {
                // One range per table and shape: bounded memory, and the shared case (every processor of a batch
                // reading the same season history) still hits. A write of the table drops its entries that hold a
                // written date, in flight or not, so no read that began before a write is handed to a reader that
                // came after it. Whole rows of an earlier end from the same start are kept and only the rest is read
                // (projections may be distinct, so two ranges' rows could repeat: they are read whole).
                foreach (var old in _rows.Where(e => e.Key.Table == table.Name && e.Key.Shape == shape).ToList())
                {
                    if (IsWhole(shape) && old.Key.Range.From == range.From && old.Key.Range.To < range.To && old.Value.IsCompletedSuccessfully)
                    {
                        kept = ((Task<IReadOnlyList<TRow>>)old.Value, old.Key.Range.To);
                    }
                    _rows.Remove(old.Key);
                }
                mine = new TaskCompletionSource<IReadOnlyList<TRow>>(TaskCreationOptions.RunContinuationsAsynchronously);
                _rows[key] = shared = mine.Task;
            }
        }
        if (mine is not null)
        {
            try
            {
                if (kept is not { } k) mine.SetResult(await read(range, ct));
                else
                {
                    var rest = await read(new DateRange(k.To.AddDays(1), range.To), ct);
                    mine.SetResult([.. await k.Rows.WaitAsync(ct), .. rest]);
                }
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
        try
        {
            return await shared.WaitAsync(ct);
        }
        catch (OperationCanceledException) when (mine is null && !ct.IsCancellationRequested)
        {
            // The reader this one joined was cancelled, not this one: read for itself.
            return await read(range, ct);
        }
    }

    private const string WholeRows = "";

    private static bool IsWhole(string shape) => shape == WholeRows || shape.StartsWith("(rows of ", StringComparison.Ordinal);

    /// <summary>Drops the entries of <paramref name="tables"/> (all if none) whose range holds one of <paramref name="dates"/> (any, if null).</summary>
    private void Forget(IReadOnlyCollection<DateOnly>? dates, params string[] tables)
    {
        lock (_gate)
        {
            foreach (var key in _rows.Keys.Where(k => (tables.Length == 0 || tables.Contains(k.Table)) && (dates is null || dates.Any(k.Range.Contains))).ToList())
            {
                _rows.Remove(key);
            }
        }
    }

    private void Forget(params string[] tables) => Forget(null, tables);

    public override async Task ReplaceOutputAsync(ProcessorResult result, DateTimeOffset now, CancellationToken ct)
    {
        // A partition replace changes its dates only (and any date a row carries, should one lie outside them).
        var written = result.Dates.Concat(result.Rows.Select(r => r.Date)).ToHashSet();
        Forget(written, result.Table.Name);
        await Inner.ReplaceOutputAsync(result, now, ct);
        Forget(written, result.Table.Name);
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
