namespace NbaBackfill.Tables;

public enum ColumnType
{
    String,
    Int64,
    Float64,
    Bool,
    Date,
    Timestamp,
    Float64Array,
    StringArray,
}

public sealed record Column(string Name, ColumnType Type, bool Nullable = false)
{
    public bool IsRepeated => Type is ColumnType.Float64Array or ColumnType.StringArray;
}

/// <summary>
/// One table, declared once: it drives the DuckDB DDL, the BigQuery schema files, exports and reads.
/// </summary>
public sealed record TableSchema(
    string Name,
    IReadOnlyList<Column> Columns,
    IReadOnlyList<string> Key,
    string? PartitionColumn,
    IReadOnlyList<string> Clustering)
{
    public int IndexOf(string column)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (Columns[i].Name == column)
            {
                return i;
            }
        }
        throw new ArgumentException($"table {Name} has no column {column}");
    }

    public IEnumerable<string> ColumnNames => Columns.Select(c => c.Name);
}

/// <summary>A row that knows its column values in its table's column order.</summary>
public interface ITableRow
{
    object?[] ToValues();

    /// <summary>The first <paramref name="count"/> values (all if more) to <paramref name="sink"/>, typed; rows declared by a <see cref="TableSchema{TRow}"/> do it without boxing.</summary>
    void WriteTo(IValueSink sink, int count = int.MaxValue)
    {
        var values = ToValues();
        for (var i = 0; i < Math.Min(count, values.Length); i++) sink.WriteBoxed(values[i]);
    }
}
