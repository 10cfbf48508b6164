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
/// kept it up to yesterday). It also keeps the last batch written to each output table, as written, and serves reads
/// of that table from it (downstream processors, the run's reconciliation) when one count per date shows that the
/// range holds exactly those rows (<see cref="WrittenHits"/>). Only valid while this process is the warehouse's sole
/// writer — true of the embedded DuckDB file, which one process at a time may open.
/// </summary>
public sealed class CachingWarehouse(IWarehouse inner) : DelegatingWarehouse(inner)
{
    // Raw box scores are read whole by PGS alone; kept, they would only weigh on every collection of the run.
    private static readonly HashSet<string> WholeRowsCached = [TableCatalog.RawGames.Name, PgsRow.Schema.Name];
    private static readonly HashSet<string> ProjectionsCached = [.. WholeRowsCached, TableCatalog.RawBoxScores.Name];
    // Typed: the same tables' rows, the box scores' keys every activity's planning calendar is built from, and the raw
    // versions every activity's version context reads (changed by a raw load only, which forgets everything).
    private static readonly HashSet<Type> TypedRowsCached = [typeof(RawGame), typeof(PgsRow), typeof(Planning.PlayerGameKey), typeof(Versions.RawVersionRow)];

    // Reads in flight are shared: processors of one wave (PSZA and TDZA after PGS) ask for the same history at once.
    // Shape: "" for boxed whole rows, "(rows of T)" for typed ones (the calendar keys of every activity among them),
    // else the projected columns (the teams of each game). Each entry is a Task<IReadOnlyList<X>> of the X its shape names.
    private readonly Dictionary<(string Table, string Shape, DateRange Range), Task> _rows = [];
    private readonly Lock _gate = new();

    // The last batch written to each output table, with its rows per date. Set only by a write that ran alone for
    // its table (no other write of it began while it ran), so its rows are what the table holds for its dates.
    private readonly Dictionary<string, WrittenBatch> _written = [];
    // Per output table: writes begun (a generation) and writes in flight.
    private readonly Dictionary<string, (long Generation, int InFlight)> _writes = [];

    private sealed record WrittenBatch(ProcessorResult Result, IReadOnlyDictionary<DateOnly, int> Counts);

    public int Hits { get; private set; }

    /// <summary>Reads served from the last written batch of an output table.</summary>
    public int WrittenHits { get; private set; }

    public override async Task<IReadOnlyList<T>> ReadAsync<T>(TableSchema table, DateRange range, Func<Row, T> map, CancellationToken ct) =>
        WholeRowsCached.Contains(table.Name)
            ? Map(await SharedAsync(table, WholeRows, range, (r, innerCt) => Inner.ReadAsync(table, r, row => row.Values, innerCt), ct), map)
            : await Inner.ReadAsync(table, range, map, ct);

    public override async Task<IReadOnlyList<TRow>> ReadRowsAsync<TRow>(TableSchema<TRow> table, DateRange range, CancellationToken ct)
    {
        // A written batch holds its table's own row type: the schema is the very one it was written with.
        async Task<IReadOnlyList<TRow>> ReadAsync(DateRange r, CancellationToken innerCt) =>
            await FromWrittenAsync(table.Schema, r, row => (TRow)row, innerCt) ?? await Inner.ReadRowsAsync(table, r, innerCt);
        return TypedRowsCached.Contains(typeof(TRow))
            ? await SharedAsync(table.Schema, TypedRows<TRow>.Shape, range, ReadAsync, ct)
            : await ReadAsync(range, ct);
    }

    public override async Task<IReadOnlyList<T>> ReadProjectedAsync<T>(
        TableSchema table, DateRange range, IReadOnlyList<string> columns, bool distinct, Func<Row, T> map, CancellationToken ct)
    {
        // (distinct rows are left to the warehouse: a batch's projection may repeat)
        async Task<IReadOnlyList<TOut>> ReadAsync<TOut>(DateRange r, Func<Row, TOut> m, CancellationToken innerCt) =>
            (distinct ? null : await FromWrittenAsync(table, r, ProjectingSink.For(table, columns, m), innerCt))
            ?? await Inner.ReadProjectedAsync(table, r, columns, distinct, m, innerCt);
        return ProjectionsCached.Contains(table.Name)
            ? Map(await SharedAsync(table, (distinct ? "distinct " : "") + string.Join(",", columns), range, (r, innerCt) => ReadAsync(r, row => row.Values, innerCt), ct), map)
            : await ReadAsync(range, map, ct);
    }

    /// <summary>Keys of the last written batch when it is what the range holds (the run's reconciliation), else the warehouse's.</summary>
    public override async Task<IReadOnlyList<(DateOnly Date, string Entity)>> ReadKeysAsync(
        TableSchema table, DateRange range, string entityColumn, bool distinct, CancellationToken ct) =>
        (distinct ? null : await FromWrittenAsync(table, range, IdSink.For(table, entityColumn), ct))
        ?? await Inner.ReadKeysAsync(table, range, entityColumn, distinct, ct);

    private static List<T> Map<T>(IReadOnlyList<object?[]> rows, Func<Row, T> map) => rows.Select(v => map(new Row(v))).ToList();

    private static class TypedRows<TRow>
    {
        public static readonly string Shape = $"(rows of {typeof(TRow).FullName})";
    }

    /// <summary>
    /// The range's rows of the last batch written to <paramref name="table"/>, or null when the table may hold others
    /// there: every date of the range with rows must be one of the batch's, with as many rows as it wrote (one GROUP BY
    /// of the partition column; no write of the table may begin meanwhile).
    /// </summary>
    private async Task<IReadOnlyList<T>?> FromWrittenAsync<T>(TableSchema table, DateRange range, Func<IOutputRow, T> select, CancellationToken ct)
    {
        WrittenBatch? batch;
        long generation;
        lock (_gate)
        {
            if (!_written.TryGetValue(table.Name, out batch) || !ReferenceEquals(batch.Result.Table, table)) return null;
            generation = _writes.GetValueOrDefault(table.Name).Generation;
        }
        var stored = await Inner.CountByDateAsync(table, range, ct);
        lock (_gate)
        {
            if (_writes.GetValueOrDefault(table.Name).Generation != generation || !ReferenceEquals(_written.GetValueOrDefault(table.Name), batch)) return null;
        }
        if (stored.Any(d => batch.Counts.GetValueOrDefault(d.Key) != d.Value)) return null;
        if (batch.Counts.Any(d => range.Contains(d.Key) && d.Value > 0 && !stored.ContainsKey(d.Key))) return null;
        var rows = new List<T>();
        foreach (var row in batch.Result.Rows)
        {
            if (range.Contains(row.Date)) rows.Add(select(row));
        }
        lock (_gate) WrittenHits++;
        return rows;
    }

    /// <summary>A written row's (date, entity) key: its entity column as the text a read row's id gives.</summary>
    private sealed class IdSink : IValueSink
    {
        private readonly int _entity;
        // A player's id repeats on every date he played: its text is made once per read.
        private readonly Dictionary<long, string> _ids = [];
        private int _column;
        private string _id = "";

        private IdSink(int entity) => _entity = entity;

        public static Func<IOutputRow, (DateOnly, string)> For(TableSchema table, string entityColumn)
        {
            var sink = new IdSink(table.IndexOf(entityColumn));
            return row => (row.Date, sink.Of(row));
        }

        private string Of(ITableRow row)
        {
            (_column, _id) = (0, "");
            row.WriteTo(this, _entity + 1);
            return _id;
        }

        private void Put<T>(T value, Func<T, string> text)
        {
            if (_column++ == _entity) _id = text(value);
        }

        private static string Text<T>(T value) => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "";

        public void Null() => Put<object?>(null, Text);

        public void String(string value) => Put(value, v => v);

        public void Int64(long value)
        {
            if (_column++ == _entity) _id = _ids.TryGetValue(value, out var text) ? text : _ids[value] = value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        public void Float64(double value) => Put(value, Text);

        public void Bool(bool value) => Put(value, Text);

        public void Date(DateOnly value) => Put(value, Text);

        public void Timestamp(DateTimeOffset value) => Put(value, Text);

        public void Float64s(IReadOnlyList<double> values) => Put(values, Text);

        public void Strings(IReadOnlyList<string> values) => Put(values, Text);
    }

    /// <summary>Puts a written row's projected columns at their schema indexes, boxed as the adapters box them.</summary>
    private sealed class ProjectingSink : IValueSink
    {
        private readonly bool[] _wanted;
        private object?[] _values = [];
        private int _column;

        private ProjectingSink(TableSchema table, IReadOnlyList<string> columns)
        {
            var indexes = columns.Select(table.IndexOf).ToArray();
            _wanted = new bool[indexes.Max() + 1];
            foreach (var i in indexes) _wanted[i] = true;
        }

        public static Func<IOutputRow, T> For<T>(TableSchema table, IReadOnlyList<string> columns, Func<Row, T> map)
        {
            var sink = new ProjectingSink(table, columns);
            return row => map(new Row(sink.Project(row)));
        }

        private object?[] Project(ITableRow row)
        {
            (_values, _column) = (new object?[_wanted.Length], 0);
            row.WriteTo(this, _wanted.Length);
            return _values;
        }

        // A column not projected is skipped before its value is boxed (or its list copied).
        private void Put<T>(T value, Func<T, object?> box)
        {
            if (_wanted[_column]) _values[_column] = box(value);
            _column++;
        }

        public void Null() => Put<object?>(null, v => v);

        public void String(string value) => Put(value, v => v);

        public void Int64(long value) => Put(value, v => v);

        public void Float64(double value) => Put(value, v => v);

        public void Bool(bool value) => Put(value, v => v);

        public void Date(DateOnly value) => Put(value, v => v);

        public void Timestamp(DateTimeOffset value) => Put(value, v => v);

        public void Float64s(IReadOnlyList<double> values) => Put(values, v => v.ToArray());

        public void Strings(IReadOnlyList<string> values) => Put(values, v => v.ToArray());
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

    public override Task ReplaceOutputAsync(ProcessorResult result, DateTimeOffset now, CancellationToken ct) =>
        ReplaceAsync(result, () => Inner.ReplaceOutputAsync(result, now, ct));

    public override Task ReplaceOutputAsync(ProcessorResult result, DateTimeOffset now, Func<Task<IReadOnlyList<TableRows>>> then, CancellationToken ct)
    {
        var upserted = new List<string>();
        return ReplaceAsync(result, async () =>
        {
            await Inner.ReplaceOutputAsync(result, now, async () =>
            {
                var rows = await then();
                // The upserted tables change in the same transaction: no batch of theirs is served from here on.
                foreach (var table in rows.Select(r => r.Table.Name))
                {
                    EndWrite(table, BeginWrite(table).Generation, null);
                    upserted.Add(table);
                }
                return rows;
            }, ct);
            if (upserted.Count > 0) Forget([.. upserted]);
        });
    }

    /// <summary>A partition replace of the result's table by <paramref name="write"/>, and what it keeps.</summary>
    private async Task ReplaceAsync(ProcessorResult result, Func<Task> write)
    {
        // A partition replace changes its dates only (and any date a row carries, should one lie outside them).
        var written = result.Dates.Concat(result.Rows.Select(r => r.Date)).ToHashSet();
        var name = result.Table.Name;
        var (alone, generation) = BeginWrite(name);
        var succeeded = false;
        try
        {
            Forget(written, name);
            await write();
            Forget(written, name);
            succeeded = true;
        }
        finally
        {
            // Kept only if this write ran alone and replaced every date its rows carry.
            EndWrite(name, generation, succeeded && alone && written.Count == result.Dates.Count
                ? new WrittenBatch(result, result.Rows.CountBy(r => r.Date).ToDictionary())
                : null);
        }
    }

    /// <summary>A write of the table begins: no batch of it is served until one is kept again.</summary>
    private (bool Alone, long Generation) BeginWrite(string table)
    {
        lock (_gate)
        {
            _written.Remove(table);
            var (begun, inFlight) = _writes.GetValueOrDefault(table);
            _writes[table] = (begun + 1, inFlight + 1);
            return (inFlight == 0, begun + 1);
        }
    }

    /// <summary>A write of the table ended; <paramref name="keep"/> is kept if no other write of the table began since.</summary>
    private void EndWrite(string table, long generation, WrittenBatch? keep)
    {
        lock (_gate)
        {
            var (begun, inFlight) = _writes[table];
            _writes[table] = (begun, inFlight - 1);
            if (keep is not null && begun == generation) _written[table] = keep;
        }
    }

    public override async Task ReplaceRawAsync(Versions.RawLoad load, CancellationToken ct)
    {
        Forget();
        await Inner.ReplaceRawAsync(load, ct);
        Forget();
    }

    public override async Task UpsertAsync(TableSchema table, IReadOnlyList<ITableRow> rows, CancellationToken ct)
    {
        var (_, generation) = BeginWrite(table.Name);
        try
        {
            Forget(table.Name);
            await Inner.UpsertAsync(table, rows, ct);
            Forget(table.Name);
        }
        finally
        {
            EndWrite(table.Name, generation, null);
        }
    }
}
