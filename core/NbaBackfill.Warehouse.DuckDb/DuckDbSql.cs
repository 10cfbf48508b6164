using System.Collections;
using System.Data.Common;
using DuckDB.NET.Data;
using NbaBackfill.Tables;

namespace NbaBackfill.Warehouse.DuckDb;

/// <summary>DDL and value mapping between the table declarations and DuckDB.</summary>
internal static class DuckDbSql
{
    public static string TypeOf(ColumnType type) => type switch
    {
        ColumnType.String => "VARCHAR",
        ColumnType.Int64 => "BIGINT",
        ColumnType.Float64 => "DOUBLE",
        ColumnType.Bool => "BOOLEAN",
        ColumnType.Date => "DATE",
        ColumnType.Timestamp => "TIMESTAMP",
        ColumnType.Float64Array => "DOUBLE[]",
        ColumnType.StringArray => "VARCHAR[]",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static string CreateTable(TableSchema table) =>
        $"CREATE TABLE {table.Name} ({string.Join(", ", table.Columns.Select(c => $"{c.Name} {TypeOf(c.Type)}{(c.Nullable ? "" : " NOT NULL")}"))})";

    public static string Columns(TableSchema table) => string.Join(", ", table.ColumnNames);

    public static string Escape(string text) => text.Replace("'", "''", StringComparison.Ordinal);

    /// <summary>Reads a value into the canonical .NET type of its column type.</summary>
    public static object? ReadValue(DbDataReader reader, int i, ColumnType type)
    {
        if (reader.IsDBNull(i)) return null;
        return type switch
        {
            ColumnType.String => reader.GetString(i),
            ColumnType.Int64 => reader.GetInt64(i),
            ColumnType.Float64 => reader.GetDouble(i),
            ColumnType.Bool => reader.GetBoolean(i),
            ColumnType.Date => reader.GetFieldValue<DateOnly>(i),
            ColumnType.Timestamp => new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(i), DateTimeKind.Utc)),
            ColumnType.Float64Array => ((IEnumerable)reader.GetValue(i)).Cast<object?>().Select(v => v is null ? double.NaN : Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
            ColumnType.StringArray => ((IEnumerable)reader.GetValue(i)).Cast<object?>().Select(v => (string)v!).ToArray(),
            _ => throw new ArgumentOutOfRangeException(nameof(type)),
        };
    }

    public static void AppendValue(IDuckDBAppenderRow row, object? value, Column column)
    {
        if (value is null)
        {
            row.AppendNullValue();
            return;
        }
        switch (column.Type)
        {
            case ColumnType.String: row.AppendValue((string)value); break;
            case ColumnType.Int64: row.AppendValue(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)); break;
            case ColumnType.Float64: row.AppendValue(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture)); break;
            case ColumnType.Bool: row.AppendValue((bool)value); break;
            case ColumnType.Date: row.AppendValue((DateOnly)value); break;
            case ColumnType.Timestamp: row.AppendValue(((DateTimeOffset)value).UtcDateTime); break;
            case ColumnType.Float64Array: row.AppendValue((IEnumerable<double>)value); break;
            case ColumnType.StringArray: row.AppendValue((IEnumerable<string>)value); break;
            default: throw new ArgumentOutOfRangeException(nameof(column));
        }
    }
}
