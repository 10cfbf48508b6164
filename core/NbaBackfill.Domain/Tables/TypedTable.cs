namespace NbaBackfill.Tables;

/// <summary>
/// A table declared once, with its row type: one expression names each column and its accessor while it builds the
/// row, so the DDL (<see cref="Schema"/>), <see cref="ToValues"/> and <see cref="From"/> cannot disagree.
/// </summary>
/// <example><code>
/// new TableSchema&lt;TeamRow&gt;("raw_teams", c =&gt; new TeamRow(c.Int64("team_id", r =&gt; r.TeamId), c.Str("team_abbr", r =&gt; r.Abbr)),
///     Key: ["team_id"], PartitionColumn: null, Clustering: []);
/// </code></example>
public sealed class TableSchema<TRow>
{
    private readonly Func<Columns<TRow>, TRow> _build;
    private readonly Func<TRow, object?>[] _accessors;
    private readonly Action<TRow, IValueSink>[] _writers;

    public TableSchema(
        string name, Func<Columns<TRow>, TRow> build, IReadOnlyList<string> Key, string? PartitionColumn, IReadOnlyList<string> Clustering)
    {
        // Declaring: every column call records its column and accessor and returns a placeholder value.
        var declaring = new Columns<TRow>(null);
        build(declaring);
        _build = build;
        _accessors = [.. declaring.Accessors];
        _writers = [.. declaring.Writers];
        Schema = new TableSchema(name, declaring.Declared, Key, PartitionColumn, Clustering);
    }

    private TableSchema(TableSchema<TRow> other, TableSchema schema) => (_build, _accessors, _writers, Schema) = (other._build, other._accessors, other._writers, schema);

    public TableSchema Schema { get; }

    /// <summary>The same columns under another table name (the two failure tables).</summary>
    public TableSchema<TRow> Named(string name) => new(this, Schema with { Name = name });

    public object?[] ToValues(TRow row)
    {
        var values = new object?[_accessors.Length];
        for (var i = 0; i < values.Length; i++) values[i] = _accessors[i](row);
        return values;
    }

    /// <summary>The row's first <paramref name="count"/> values (all if more) to <paramref name="sink"/>, each as its column's type.</summary>
    public void Write(TRow row, IValueSink sink, int count = int.MaxValue)
    {
        var n = Math.Min(count, _writers.Length);
        for (var i = 0; i < n; i++) _writers[i](row, sink);
    }

    /// <summary>A row read back from a warehouse (values in column order, normalised by the adapter).</summary>
    public TRow From(Row row) => _build(new Columns<TRow>(new BoxedValues(row.Values)));

    /// <summary>The current row of <paramref name="source"/> (all the table's columns, in order), read typed.</summary>
    public TRow Read(IValueSource source) => _build(new Columns<TRow>(source));
}

/// <summary>
/// The column calls of a <see cref="TableSchema{TRow}"/> declaration. While declaring they record the column and
/// return placeholders; while reading they return the next value, converted to the column's C# type.
/// </summary>
public sealed class Columns<TRow>
{
    private readonly IValueSource? _source;
    private int _next;

    internal Columns(IValueSource? source)
    {
        _source = source;
        // Reading a row allocates only this object: the lists exist while declaring.
        Declared = source is null ? [] : null!;
        Accessors = source is null ? [] : null!;
        Writers = source is null ? [] : null!;
    }

    /// <summary>True while the table is being declared; false while a row is read (names and accessors are then unused).</summary>
    public bool IsDeclaring => _source is null;

    internal List<Column> Declared { get; }

    internal List<Func<TRow, object?>> Accessors { get; }

    internal List<Action<TRow, IValueSink>> Writers { get; }

    // Each call reads the next value; only a declaration (no source) records the column, in a method of its own so
    // reading allocates nothing per value. A missing value reads as its type's default (as boxed rows always did),
    // except a non-nullable date or time, which is an error.
    public string Str(string name, Func<TRow, string> get) =>
        _source is null ? Declare(name, ColumnType.String, false, get, null!, static g => (r, s) => s.String(g(r))) : _source.IsNull(_next) ? Skip<string>(null!) : _source.String(_next++);

    public string? StrOrNull(string name, Func<TRow, string?> get) =>
        _source is null ? Declare(name, ColumnType.String, true, get, null, static g => (r, s) => { if (g(r) is { } v) s.String(v); else s.Null(); }) : _source.IsNull(_next) ? Skip<string?>(null) : _source.String(_next++);

    public long Int64(string name, Func<TRow, long> get) =>
        _source is null ? Declare(name, ColumnType.Int64, false, get, 0L, static g => (r, s) => s.Int64(g(r))) : _source.IsNull(_next) ? Skip(0L) : _source.Int64(_next++);

    public int Int(string name, Func<TRow, int> get) =>
        _source is null ? Declare(name, ColumnType.Int64, false, get, 0, static g => (r, s) => s.Int64(g(r))) : _source.IsNull(_next) ? Skip(0) : (int)_source.Int64(_next++);

    public int? IntOrNull(string name, Func<TRow, int?> get) =>
        _source is null ? Declare(name, ColumnType.Int64, true, get, null, static g => (r, s) => { if (g(r) is { } v) s.Int64(v); else s.Null(); }) : _source.IsNull(_next) ? Skip<int?>(null) : (int)_source.Int64(_next++);

    public double Dbl(string name, Func<TRow, double> get) =>
        _source is null ? Declare(name, ColumnType.Float64, false, get, 0d, static g => (r, s) => s.Float64(g(r))) : _source.IsNull(_next) ? Skip(0d) : _source.Float64(_next++);

    public double? DblOrNull(string name, Func<TRow, double?> get) =>
        _source is null ? Declare(name, ColumnType.Float64, true, get, null, static g => (r, s) => { if (g(r) is { } v) s.Float64(v); else s.Null(); }) : _source.IsNull(_next) ? Skip<double?>(null) : _source.Float64(_next++);

    public bool Bool(string name, Func<TRow, bool> get) =>
        _source is null ? Declare(name, ColumnType.Bool, false, get, false, static g => (r, s) => s.Bool(g(r))) : !_source.IsNull(_next) ? _source.Bool(_next++) : Skip(false);

    public DateOnly Date(string name, Func<TRow, DateOnly> get) =>
        _source is null ? Declare(name, ColumnType.Date, false, get, default, static g => (r, s) => s.Date(g(r))) : _source.Date(_next++);

    public DateOnly? DateOrNull(string name, Func<TRow, DateOnly?> get) =>
        _source is null ? Declare(name, ColumnType.Date, true, get, null, static g => (r, s) => { if (g(r) is { } v) s.Date(v); else s.Null(); }) : _source.IsNull(_next) ? Skip<DateOnly?>(null) : _source.Date(_next++);

    public DateTimeOffset Time(string name, Func<TRow, DateTimeOffset> get) =>
        _source is null ? Declare(name, ColumnType.Timestamp, false, get, default, static g => (r, s) => s.Timestamp(g(r))) : _source.Timestamp(_next++);

    public DateTimeOffset? TimeOrNull(string name, Func<TRow, DateTimeOffset?> get) =>
        _source is null ? Declare(name, ColumnType.Timestamp, true, get, null, static g => (r, s) => { if (g(r) is { } v) s.Timestamp(v); else s.Null(); }) : _source.IsNull(_next) ? Skip<DateTimeOffset?>(null) : _source.Timestamp(_next++);

    public double[] Doubles(string name, Func<TRow, double[]> get) =>
        _source is null ? Declare(name, ColumnType.Float64Array, false, get, [], static g => (r, s) => s.Float64s(g(r))) : _source.IsNull(_next) ? Skip<double[]>(null!) : _source.Float64s(_next++);

    public string[] Strings(string name, Func<TRow, string[]> get) =>
        _source is null ? Declare(name, ColumnType.StringArray, false, get, [], static g => (r, s) => s.Strings(g(r))) : _source.IsNull(_next) ? Skip<string[]>(null!) : _source.Strings(_next++);

    // A missing value: the column is consumed and reads as the given default.
    private T Skip<T>(T missing)
    {
        _next++;
        return missing;
    }

    // The writer comes from a static factory, not a lambda over get at the call site: that would allocate a closure
    // on every read of every value too.
    private T Declare<T>(string name, ColumnType type, bool nullable, Func<TRow, T> get, T placeholder, Func<Func<TRow, T>, Action<TRow, IValueSink>> writer)
    {
        Declared.Add(new Column(name, type, nullable));
        Accessors.Add(r => get(r));
        Writers.Add(writer(get));
        return placeholder;
    }
}
