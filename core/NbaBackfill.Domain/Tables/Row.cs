namespace NbaBackfill.Tables;

/// <summary>Typed access to a row read back from a warehouse (values already normalised by the adapter).</summary>
public readonly struct Row(object?[] values)
{
    public object?[] Values { get; } = values;

    public string Str(int i) => (string)Values[i]!;
    public string? StrOrNull(int i) => Values[i] as string;
    public int Int(int i) => Convert.ToInt32(Values[i]!, System.Globalization.CultureInfo.InvariantCulture);
    public int? IntOrNull(int i) => Values[i] is null ? null : Int(i);
    public double Dbl(int i) => Convert.ToDouble(Values[i]!, System.Globalization.CultureInfo.InvariantCulture);
    public double? DblOrNull(int i) => Values[i] is null ? null : Dbl(i);
    public bool Bool(int i) => (bool)Values[i]!;
    public bool? BoolOrNull(int i) => Values[i] as bool?;
    public DateOnly Date(int i) => (DateOnly)Values[i]!;
    public DateOnly? DateOrNull(int i) => Values[i] as DateOnly?;
    public DateTimeOffset? TimestampOrNull(int i) => Values[i] as DateTimeOffset?;
    public DateTimeOffset Timestamp(int i) => (DateTimeOffset)Values[i]!;
    public double?[] Doubles(int i) => (double?[])Values[i]!;
    public string[] Strings(int i) => (string[])Values[i]!;
}

/// <summary>A projected row read by column name (the names of its projection, looked up once per read).</summary>
public readonly struct NamedRow(IReadOnlyDictionary<string, int> index, object?[] values)
{
    private Row Row => new(values);

    public string Str(string column) => Row.Str(index[column]);
    public string? StrOrNull(string column) => Row.StrOrNull(index[column]);
    public int Int(string column) => Row.Int(index[column]);
    public long Int64(string column) => Convert.ToInt64(values[index[column]], System.Globalization.CultureInfo.InvariantCulture);
    public bool Bool(string column) => Row.Bool(index[column]);
    public DateOnly Date(string column) => Row.Date(index[column]);
    public DateOnly? DateOrNull(string column) => Row.DateOrNull(index[column]);

    /// <summary>An id column (player_id, team_abbr) as the text entity keys use.</summary>
    public string Id(string column) => Convert.ToString(values[index[column]], System.Globalization.CultureInfo.InvariantCulture)!;
}
