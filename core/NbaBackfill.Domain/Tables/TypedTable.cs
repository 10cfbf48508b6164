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
    public TRow From(Row row) => _build(new Columns<TRow>(row.Values));
}

/// <summary>
/// The column calls of a <see cref="TableSchema{TRow}"/> declaration. While declaring they record the column and
/// return placeholders; while reading they return the next value, converted to the column's C# type.
/// </summary>
public sealed class Columns<TRow>
{
    private readonly object?[]? _values;
    private int _next;

    internal Columns(object?[]? values)
    {
        _values = values;
        // Reading a row allocates only this object: the lists exist while declaring.
        Declared = values is null ? [] : null!;
        Accessors = values is null ? [] : null!;
        Writers = values is null ? [] : null!;
    }

    /// <summary>True while the table is being declared; false while a row is read (names and accessors are then unused).</summary>
    public bool IsDeclaring => _values is null;

    internal List<Column> Declared { get; }

    internal List<Func<TRow, object?>> Accessors { get; }

    internal List<Action<TRow, IValueSink>> Writers { get; }

    // Each call reads the next value; only a declaration (no values) records the column, in a method of its own so
    // reading allocates nothing per value.
    public string Str(string name, Func<TRow, string> get) =>
        _values is null ? Declare(name, ColumnType.String, false, get, null!, static g => (r, s) => s.String(g(r))) : (string)_values[_next++]!;

    public string? StrOrNull(string name, Func<TRow, string?> get) =>
        _values is null ? Declare(name, ColumnType.String, true, get, null, static g => (r, s) => { if (g(r) is { } v) s.String(v); else s.Null(); }) : (string?)_values[_next++];

    public long Int64(string name, Func<TRow, long> get) =>
        _values is null ? Declare(name, ColumnType.Int64, false, get, 0L, static g => (r, s) => s.Int64(g(r))) : ToLong(_values[_next++]);

    public int Int(string name, Func<TRow, int> get) =>
        _values is null ? Declare(name, ColumnType.Int64, false, get, 0, static g => (r, s) => s.Int64(g(r))) : (int)ToLong(_values[_next++]);

    public int? IntOrNull(string name, Func<TRow, int?> get) =>
        _values is null ? Declare(name, ColumnType.Int64, true, get, null, static g => (r, s) => { if (g(r) is { } v) s.Int64(v); else s.Null(); }) : _values[_next++] is { } v ? (int)ToLong(v) : null;

    public double Dbl(string name, Func<TRow, double> get) =>
        _values is null ? Declare(name, ColumnType.Float64, false, get, 0d, static g => (r, s) => s.Float64(g(r))) : ToDouble(_values[_next++]);

    public double? DblOrNull(string name, Func<TRow, double?> get) =>
        _values is null ? Declare(name, ColumnType.Float64, true, get, null, static g => (r, s) => { if (g(r) is { } v) s.Float64(v); else s.Null(); }) : _values[_next++] is { } v ? ToDouble(v) : null;

    public bool Bool(string name, Func<TRow, bool> get) =>
        _values is null ? Declare(name, ColumnType.Bool, false, get, false, static g => (r, s) => s.Bool(g(r))) : _values[_next++] is true;

    public DateOnly Date(string name, Func<TRow, DateOnly> get) =>
        _values is null ? Declare(name, ColumnType.Date, false, get, default, static g => (r, s) => s.Date(g(r))) : (DateOnly)_values[_next++]!;

    public DateOnly? DateOrNull(string name, Func<TRow, DateOnly?> get) =>
        _values is null ? Declare(name, ColumnType.Date, true, get, null, static g => (r, s) => { if (g(r) is { } v) s.Date(v); else s.Null(); }) : _values[_next++] as DateOnly?;

    public DateTimeOffset Time(string name, Func<TRow, DateTimeOffset> get) =>
        _values is null ? Declare(name, ColumnType.Timestamp, false, get, default, static g => (r, s) => s.Timestamp(g(r))) : (DateTimeOffset)_values[_next++]!;

    public DateTimeOffset? TimeOrNull(string name, Func<TRow, DateTimeOffset?> get) =>
        _values is null ? Declare(name, ColumnType.Timestamp, true, get, null, static g => (r, s) => { if (g(r) is { } v) s.Timestamp(v); else s.Null(); }) : _values[_next++] as DateTimeOffset?;

    public double[] Doubles(string name, Func<TRow, double[]> get) =>
        _values is null ? Declare(name, ColumnType.Float64Array, false, get, [], static g => (r, s) => s.Float64s(g(r))) : (double[])_values[_next++]!;

    public string[] Strings(string name, Func<TRow, string[]> get) =>
        _values is null ? Declare(name, ColumnType.StringArray, false, get, [], static g => (r, s) => s.Strings(g(r))) : (string[])_values[_next++]!;

    // The writer comes from a static factory, not a lambda over get at the call site: that would allocate a closure
    // on every read of every value too.
    private T Declare<T>(string name, ColumnType type, bool nullable, Func<TRow, T> get, T placeholder, Func<Func<TRow, T>, Action<TRow, IValueSink>> writer)
    {
        Declared.Add(new Column(name, type, nullable));
        Accessors.Add(r => get(r));
        Writers.Add(writer(get));
        return placeholder;
    }

    // Adapters give long and double; other numeric types (an in-memory row of ints) convert.
    private static long ToLong(object? value) => value switch
    {
        long l => l,
        int i => i,
        null => 0,
        _ => Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture),
    };

    private static double ToDouble(object? value) => value switch
    {
        double d => d,
        null => 0,
        _ => Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture),
    };
}
