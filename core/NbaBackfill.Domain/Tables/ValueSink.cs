namespace NbaBackfill.Tables;

/// <summary>
/// Receives a row's values in column order, each as its column's type: how the writers (DuckDB's appender) and the
/// content hash take rows without boxing every value into an <c>object?[]</c> first (the floor writes ~130k rows).
/// </summary>
public interface IValueSink
{
    void Null();

    void String(string value);

    void Int64(long value);

    void Float64(double value);

    void Bool(bool value);

    void Date(DateOnly value);

    void Timestamp(DateTimeOffset value);

    void Float64s(IReadOnlyList<double> values);

    void Strings(IReadOnlyList<string> values);
}

public static class ValueSinks
{
    /// <summary>A boxed value (as <see cref="ITableRow.ToValues"/> gives it) to the sink method of its type.</summary>
    public static void WriteBoxed(this IValueSink sink, object? value)
    {
        if (!sink.TryWriteBoxed(value)) throw new ArgumentException($"no column type holds a {value!.GetType().Name}", nameof(value));
    }

    /// <summary>As <see cref="WriteBoxed"/>, or false (nothing written) for a value of no column type.</summary>
    public static bool TryWriteBoxed(this IValueSink sink, object? value)
    {
        switch (value)
        {
            case null: sink.Null(); break;
            case string s: sink.String(s); break;
            case long l: sink.Int64(l); break;
            case int i: sink.Int64(i); break;
            case double d: sink.Float64(d); break;
            case bool b: sink.Bool(b); break;
            case DateOnly d: sink.Date(d); break;
            case DateTimeOffset t: sink.Timestamp(t); break;
            case IReadOnlyList<double> a: sink.Float64s(a); break;
            case IReadOnlyList<string> a: sink.Strings(a); break;
            default: return false;
        }
        return true;
    }
}
