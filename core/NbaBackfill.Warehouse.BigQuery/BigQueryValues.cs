using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NbaBackfill.Calendar;
using NbaBackfill.Tables;

namespace NbaBackfill.Warehouse.BigQuery;

/// <summary>
/// Values between the canonical .NET types of the table declarations and BigQuery's JSON: NDJSON load rows, query
/// parameters, and the string-typed cells of query results (timestamps requested as int64 microseconds).
/// </summary>
public static class BigQueryValues
{
    private static readonly DateTime Epoch = new(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>
    /// Rows as newline-delimited JSON, the load format, fields in table order, cut into chunks of about
    /// <paramref name="chunkBytes"/> (multipart uploads are meant for small payloads).
    /// </summary>
    public static IEnumerable<byte[]> ToNdjsonChunks(TableSchema table, IEnumerable<ITableRow> rows, int chunkBytes)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            foreach (var row in rows)
            {
                if (buffer.Length >= chunkBytes)
                {
                    yield return buffer.ToArray();
                    buffer.SetLength(0);
                }
                var values = row.ToValues();
                writer.WriteStartObject();
                for (var i = 0; i < values.Length; i++)
                {
                    var column = table.Columns[i];
                    writer.WritePropertyName(column.Name);
                    WriteValue(writer, values[i], column.Type);
                }
                writer.WriteEndObject();
                writer.Flush();
                buffer.WriteByte((byte)'\n');
                writer.Reset();
            }
        }
        if (buffer.Length > 0) yield return buffer.ToArray();
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value, ColumnType type)
    {
        switch (value)
        {
            case null when type is ColumnType.Float64Array or ColumnType.StringArray:
                writer.WriteStartArray();
                writer.WriteEndArray();
                return;
            case null:
                writer.WriteNullValue();
                return;
        }
        switch (type)
        {
            case ColumnType.String: writer.WriteStringValue((string)value); break;
            case ColumnType.Int64: writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture)); break;
            case ColumnType.Float64: WriteDouble(writer, Convert.ToDouble(value, CultureInfo.InvariantCulture)); break;
            case ColumnType.Bool: writer.WriteBooleanValue((bool)value); break;
            case ColumnType.Date: writer.WriteStringValue(FormatDate((DateOnly)value)); break;
            case ColumnType.Timestamp: writer.WriteStringValue(FormatTimestamp((DateTimeOffset)value)); break;
            case ColumnType.Float64Array:
                writer.WriteStartArray();
                foreach (var d in (IEnumerable<double>)value) WriteDouble(writer, d);
                writer.WriteEndArray();
                break;
            case ColumnType.StringArray:
                writer.WriteStartArray();
                foreach (var s in (IEnumerable<string>)value) writer.WriteStringValue(s);
                writer.WriteEndArray();
                break;
            default: throw new ArgumentOutOfRangeException(nameof(type));
        }
    }

    // JSON has no NaN: BigQuery's JSON loader takes the quoted names for FLOAT fields.
    private static void WriteDouble(Utf8JsonWriter writer, double d)
    {
        if (double.IsFinite(d)) writer.WriteNumberValue(d);
        else writer.WriteStringValue(FormatDouble(d));
    }

    public static string FormatDouble(double d) =>
        double.IsNaN(d) ? "NaN" : double.IsPositiveInfinity(d) ? "Infinity" : double.IsNegativeInfinity(d) ? "-Infinity"
        : d.ToString("R", CultureInfo.InvariantCulture);

    public static string FormatDate(DateOnly d) => DateRange.Format(d);

    /// <summary>The canonical timestamp text BigQuery accepts in loads and parameters (UTC, microseconds).</summary>
    public static string FormatTimestamp(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "+00:00";

    /// <summary>A query parameter of a column's type (NAMED mode).</summary>
    public static JsonObject Parameter(string name, ColumnType type, object value) => new()
    {
        ["name"] = name,
        ["parameterType"] = new JsonObject { ["type"] = ParameterType(type) },
        ["parameterValue"] = new JsonObject { ["value"] = ParameterText(value, type) },
    };

    /// <summary>An ARRAY parameter, for `column IN UNNEST(@name)`.</summary>
    public static JsonObject ArrayParameter<T>(string name, ColumnType elementType, IEnumerable<T> values) where T : notnull => new()
    {
        ["name"] = name,
        ["parameterType"] = new JsonObject { ["type"] = "ARRAY", ["arrayType"] = new JsonObject { ["type"] = ParameterType(elementType) } },
        ["parameterValue"] = new JsonObject
        {
            ["arrayValues"] = new JsonArray(values.Select(v => (JsonNode)new JsonObject { ["value"] = ParameterText(v, elementType) }).ToArray()),
        },
    };

    private static string ParameterType(ColumnType type) => type switch
    {
        ColumnType.String => "STRING",
        ColumnType.Int64 => "INT64",
        ColumnType.Float64 => "FLOAT64",
        ColumnType.Bool => "BOOL",
        ColumnType.Date => "DATE",
        ColumnType.Timestamp => "TIMESTAMP",
        _ => throw new ArgumentOutOfRangeException(nameof(type), $"no scalar parameter of type {type}"),
    };

    private static string ParameterText(object value, ColumnType type) => type switch
    {
        ColumnType.String => (string)value,
        ColumnType.Int64 => Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
        ColumnType.Float64 => FormatDouble(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
        ColumnType.Bool => (bool)value ? "true" : "false",
        ColumnType.Date => FormatDate(value is DateOnly d ? d : DateOnly.Parse((string)value, CultureInfo.InvariantCulture)),
        ColumnType.Timestamp => FormatTimestamp((DateTimeOffset)value),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>One cell of a query result row (`{"v": ...}`), as the canonical .NET value of the column type.</summary>
    public static object? FromCell(JsonNode? cell, ColumnType type)
    {
        var v = cell?["v"];
        if (v is null) return type switch
        {
            ColumnType.Float64Array => Array.Empty<double>(),
            ColumnType.StringArray => Array.Empty<string>(),
            _ => null,
        };
        return type switch
        {
            ColumnType.String => v.GetValue<string>(),
            ColumnType.Int64 => long.Parse(v.GetValue<string>(), CultureInfo.InvariantCulture),
            ColumnType.Float64 => ParseDouble(v.GetValue<string>()),
            ColumnType.Bool => v.GetValue<string>() == "true",
            ColumnType.Date => DateOnly.ParseExact(v.GetValue<string>(), DateRange.IsoFormat, CultureInfo.InvariantCulture),
            ColumnType.Timestamp => new DateTimeOffset(Epoch.AddTicks(long.Parse(v.GetValue<string>(), CultureInfo.InvariantCulture) * 10)),
            ColumnType.Float64Array => v.AsArray().Select(e => ParseDouble(e!["v"]!.GetValue<string>())).ToArray(),
            ColumnType.StringArray => v.AsArray().Select(e => e!["v"]!.GetValue<string>()).ToArray(),
            _ => throw new ArgumentOutOfRangeException(nameof(type)),
        };
    }

    public static double ParseDouble(string text) => text switch
    {
        "NaN" => double.NaN,
        "Infinity" => double.PositiveInfinity,
        "-Infinity" => double.NegativeInfinity,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };
}
