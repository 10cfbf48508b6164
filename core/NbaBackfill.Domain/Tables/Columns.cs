namespace NbaBackfill.Tables;

/// <summary>Short column factories so schema declarations read like DDL.</summary>
internal static class Col
{
    public static Column Str(string name, bool nullable = false) => new(name, ColumnType.String, nullable);
    public static Column Int(string name, bool nullable = false) => new(name, ColumnType.Int64, nullable);
    public static Column Dbl(string name, bool nullable = true) => new(name, ColumnType.Float64, nullable);
    public static Column Bool(string name, bool nullable = false) => new(name, ColumnType.Bool, nullable);
    public static Column Date(string name, bool nullable = false) => new(name, ColumnType.Date, nullable);
    public static Column Time(string name, bool nullable = false) => new(name, ColumnType.Timestamp, nullable);
}

/// <summary>A processor output row: keyed by its date and its entity (player id or team abbreviation).</summary>
public interface IOutputRow : ITableRow
{
    DateOnly Date { get; }

    string EntityId { get; }
}
