using System.Globalization;
using System.Text;
using NbaBackfill.Calendar;
using NbaBackfill.Raw;

namespace NbaBackfill.Tables;

/// <summary>
/// Canonical CSV of a table: the contract's column names, rows in key order, invariant formatting (round-trip
/// doubles, ISO dates, UTC timestamps, JSON arrays). Equal tables give byte-identical files on every warehouse.
/// </summary>
public static class CsvExport
{
    public static async Task WriteAsync(TableSchema table, IEnumerable<object?[]> rows, TextWriter writer)
    {
        await writer.WriteAsync(string.Join(",", table.ColumnNames) + "\n");
        var line = new StringBuilder();
        foreach (var row in rows)
        {
            line.Clear();
            for (var i = 0; i < row.Length; i++)
            {
                if (i > 0) line.Append(',');
                line.Append(Format(row[i]));
            }
            line.Append('\n');
            await writer.WriteAsync(line.ToString());
        }
    }

    public static string Format(object? value) => value switch
    {
        null => "",
        string s => CsvReader.Escape(s),
        bool b => b ? "true" : "false",
        double d => FormatDouble(d),
        DateOnly d => DateRange.Format(d),
        DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
        double[] ds => CsvReader.Escape("[" + string.Join(",", ds.Select(FormatDouble)) + "]"),
        string[] ss => CsvReader.Escape("[" + string.Join(",", ss.Select(s => "\"" + s + "\"")) + "]"),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => CsvReader.Escape(value.ToString() ?? ""),
    };

    private static string FormatDouble(double d) =>
        double.IsNaN(d) ? "NaN" : d.ToString("R", CultureInfo.InvariantCulture);
}
