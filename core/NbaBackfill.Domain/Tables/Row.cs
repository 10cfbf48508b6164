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
