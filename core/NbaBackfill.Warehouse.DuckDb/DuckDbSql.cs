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

    // Boxes are immutable: the small counts that fill a box score (points, rebounds, minutes) and the two booleans
    // share one box each instead of one per cell read (~60 MB per season pass otherwise).
    private static readonly object[] SmallLongs = [.. Enumerable.Range(SmallLongMin, 1024 - SmallLongMin).Select(n => (object)(long)n)];
    private const int SmallLongMin = -128;
    private static readonly object True = true, False = false;

    private static object Box(long value) => value is >= SmallLongMin and < 1024 ? SmallLongs[value - SmallLongMin] : value;

    /// <summary>Reads a value into the canonical .NET type of its column type.</summary>
    public static object? ReadValue(DbDataReader reader, int i, ColumnType type, StringPool? strings = null)
    {
        if (reader.IsDBNull(i)) return null;
        return type switch
        {
            ColumnType.String => strings is null ? reader.GetString(i) : strings.Intern(reader.GetString(i)),
            ColumnType.Int64 => Box(reader.GetInt64(i)),
            ColumnType.Float64 => reader.GetDouble(i),
            ColumnType.Bool => reader.GetBoolean(i) ? True : False,
            ColumnType.Date => reader.GetFieldValue<DateOnly>(i),
            ColumnType.Timestamp => new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(i), DateTimeKind.Utc)),
            ColumnType.Float64Array => ((IEnumerable)reader.GetValue(i)).Cast<object?>().Select(v => v is null ? double.NaN : Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
            ColumnType.StringArray => ((IEnumerable)reader.GetValue(i)).Cast<object?>().Select(v => (string)v!).ToArray(),
            _ => throw new ArgumentOutOfRangeException(nameof(type)),
        };
    }

    /// <summary>
    /// One read's repeated strings as one instance each (a season, a team, a player's name on every row of a history
    /// read): the copies die young instead of living as long as the rows that keep them (cached history above all).
    /// </summary>
    public sealed class StringPool
    {
        // A bound on the distinct values kept: a column of unique text (a failure's reason) stops being pooled.
        private const int MaxDistinct = 1 << 14;
        private readonly Dictionary<string, string> _pool = new(StringComparer.Ordinal);

        public string Intern(string value)
        {
            if (_pool.TryGetValue(value, out var pooled)) return pooled;
            if (_pool.Count < MaxDistinct) _pool[value] = value;
            return value;
        }
    }

    /// <summary>The reader's current row as typed values (the same conversions as <see cref="ReadValue"/>, unboxed).</summary>
    public sealed class ReaderSource(DbDataReader reader, StringPool strings) : IValueSource
    {
        public bool IsNull(int column) => reader.IsDBNull(column);

        public string String(int column) => strings.Intern(reader.GetString(column));

        public long Int64(int column) => reader.GetInt64(column);

        public double Float64(int column) => reader.GetDouble(column);

        public bool Bool(int column) => reader.GetBoolean(column);

        public DateOnly Date(int column) => reader.GetFieldValue<DateOnly>(column);

        public DateTimeOffset Timestamp(int column) => new(DateTime.SpecifyKind(reader.GetDateTime(column), DateTimeKind.Utc));

        public double[] Float64s(int column) => (double[])ReadValue(reader, column, ColumnType.Float64Array)!;

        public string[] Strings(int column) => (string[])ReadValue(reader, column, ColumnType.StringArray)!;
    }

    /// <summary>A row's typed values into the appender's current row (each column's DuckDB type from its declaration).</summary>
    public sealed class AppenderSink : IValueSink
    {
        public IDuckDBAppenderRow Row { get; set; } = null!;

        public void Null() => Row.AppendNullValue();

        public void String(string value) => Row.AppendValue(value);

        public void Int64(long value) => Row.AppendValue(value);

        public void Float64(double value) => Row.AppendValue(value);

        public void Bool(bool value) => Row.AppendValue(value);

        public void Date(DateOnly value) => Row.AppendValue(value);

        public void Timestamp(DateTimeOffset value) => Row.AppendValue(value.UtcDateTime);

        public void Float64s(IReadOnlyList<double> values) => Row.AppendValue<double>(values);

        public void Strings(IReadOnlyList<string> values) => Row.AppendValue<string>(values);
    }
}
