namespace NbaBackfill.Tables;

/// <summary>
/// The read side of <see cref="IValueSink"/>: the current row of a warehouse read, by column position, each value as
/// its column's type. An adapter that can read typed values (DuckDB's vectors) builds typed rows through it without
/// boxing every value into an <c>object?[]</c> first (a season's history is ~1M values per read).
/// </summary>
public interface IValueSource
{
    bool IsNull(int column);

    string String(int column);

    long Int64(int column);

    double Float64(int column);

    bool Bool(int column);

    DateOnly Date(int column);

    DateTimeOffset Timestamp(int column);

    double[] Float64s(int column);

    string[] Strings(int column);
}

/// <summary>
/// A boxed row (values in column order, as <see cref="Row"/> holds them) as a source: the conversions every adapter's
/// boxed values have always had (an int or a long for Int64, no value as 0 or false).
/// </summary>
public sealed class BoxedValues(object?[] values) : IValueSource
{
    public bool IsNull(int column) => values[column] is null;

    public string String(int column) => (string)values[column]!;

    public long Int64(int column) => values[column] switch
    {
        long l => l,
        int i => i,
        null => 0,
        var v => Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture),
    };

    public double Float64(int column) => values[column] switch
    {
        double d => d,
        null => 0,
        var v => Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture),
    };

    public bool Bool(int column) => values[column] is true;

    public DateOnly Date(int column) => (DateOnly)values[column]!;

    public DateTimeOffset Timestamp(int column) => (DateTimeOffset)values[column]!;

    public double[] Float64s(int column) => (double[])values[column]!;

    public string[] Strings(int column) => (string[])values[column]!;
}
