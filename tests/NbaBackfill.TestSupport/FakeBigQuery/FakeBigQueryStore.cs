using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DuckDB.NET.Data;

namespace NbaBackfill.TestSupport.FakeBigQuery;

/// <summary>A BigQuery-style error the fake reports: HTTP status, `errors[].reason` and message.</summary>
public sealed class FakeBigQueryError(int status, string reason, string message) : Exception(message)
{
    public int Status { get; } = status;
    public string Reason { get; } = reason;
}

/// <summary>
/// The storage half of the fake BigQuery: datasets and tables held in an in-memory DuckDB, GoogleSQL translated to
/// DuckDB for the subset the adapter speaks (backtick table paths, named parameters, IN UNNEST, scripts with
/// transactions), the checks BigQuery makes that DuckDB would not (UNION needs ALL/DISTINCT, no ORDER BY an ARRAY,
/// REQUIRED fields and types in loads), and the table-modification quota: loads and DML statements count per table
/// per day and the one over the limit fails with quotaExceeded. (BigQuery does not fail DML on that quota, so the
/// fake is stricter: a backfill that fits here fits there.)
/// </summary>
public sealed partial class FakeBigQueryStore : IDisposable
{
    public const int DailyTableModificationLimit = 1_500;

    private readonly DuckDBConnection _db = new("Data Source=:memory:");
    private readonly string _project;
    private readonly Dictionary<string, JsonObject> _tables = new(StringComparer.Ordinal);
    private readonly HashSet<string> _datasets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _modifications = new(StringComparer.Ordinal);

    public FakeBigQueryStore(string project)
    {
        _project = project;
        _db.Open();
    }

    public int ModificationLimit { get; set; } = DailyTableModificationLimit;

    /// <summary>Table modifications today, by `dataset.table`.</summary>
    public IReadOnlyDictionary<string, int> Modifications => _modifications;

    public void StartNewDay() => _modifications.Clear();

    public bool HasDataset(string dataset) => _datasets.Contains(dataset);

    public void CreateDataset(string dataset)
    {
        if (!_datasets.Add(dataset)) throw new FakeBigQueryError(409, "duplicate", $"Already Exists: Dataset {_project}:{dataset}");
        Exec($"CREATE SCHEMA \"{dataset}\"");
    }

    public JsonObject? GetTable(string dataset, string table) => _tables.GetValueOrDefault($"{dataset}.{table}")?.DeepClone().AsObject();

    public IReadOnlyCollection<string> TableNames => _tables.Keys;

    public void CreateTable(string dataset, JsonObject resource)
    {
        var table = resource["tableReference"]?["tableId"]?.GetValue<string>() ?? throw Invalid("tableReference.tableId is required");
        if (!_datasets.Contains(dataset)) throw NotFound($"Dataset {_project}:{dataset}");
        if (_tables.ContainsKey($"{dataset}.{table}")) throw new FakeBigQueryError(409, "duplicate", $"Already Exists: Table {_project}:{dataset}.{table}");
        var fields = resource["schema"]?["fields"]?.AsArray() ?? throw Invalid("schema.fields is required");
        var columns = new List<string>();
        foreach (var field in fields)
        {
            var name = field!["name"]?.GetValue<string>() ?? throw Invalid("a field has no name");
            if (!IdentifierPattern().IsMatch(name)) throw Invalid($"Invalid field name \"{name}\"");
            var mode = field["mode"]?.GetValue<string>() ?? "NULLABLE";
            var type = DuckTypeOf(field["type"]?.GetValue<string>() ?? throw Invalid($"field {name} has no type"));
            columns.Add(mode switch
            {
                "REPEATED" => $"\"{name}\" {type}[]",
                "REQUIRED" => $"\"{name}\" {type} NOT NULL",
                "NULLABLE" => $"\"{name}\" {type}",
                _ => throw Invalid($"Invalid mode {mode} of field {name}"),
            });
        }
        if (resource["timePartitioning"] is { } partitioning)
        {
            var field = partitioning["field"]?.GetValue<string>();
            var type = fields.FirstOrDefault(f => f!["name"]!.GetValue<string>() == field)?["type"]?.GetValue<string>();
            if (partitioning["type"]?.GetValue<string>() != "DAY" || type is not ("DATE" or "TIMESTAMP"))
            {
                throw Invalid($"The field specified for time partitioning can only be of type TIMESTAMP or DATE: {field}");
            }
        }
        if (resource["clustering"]?["fields"]?.AsArray() is { } clustering)
        {
            if (clustering.Count > 4) throw Invalid("Too many clustering fields; at most 4");
            foreach (var c in clustering)
            {
                if (fields.All(f => f!["name"]!.GetValue<string>() != c!.GetValue<string>())) throw Invalid($"The field specified for clustering cannot be found: {c}");
            }
        }
        Exec($"CREATE TABLE \"{dataset}\".\"{table}\" ({string.Join(", ", columns)})");
        _tables[$"{dataset}.{table}"] = resource.DeepClone().AsObject();
    }

    public void DeleteTable(string dataset, string table)
    {
        if (!_tables.Remove($"{dataset}.{table}")) throw NotFound($"Table {_project}:{dataset}.{table}");
        Exec($"DROP TABLE \"{dataset}\".\"{table}\"");
    }

    /// <summary>A load job: NDJSON checked against the destination's schema, then the table replaced or appended.</summary>
    public long Load(string dataset, string table, string writeDisposition, string ndjson)
    {
        if (table.Contains('$', StringComparison.Ordinal)) throw Invalid("partition decorators are not supported by this fake");
        var resource = _tables.GetValueOrDefault($"{dataset}.{table}") ?? throw NotFound($"Table {_project}:{dataset}.{table}");
        var fields = resource["schema"]!["fields"]!.AsArray().Select(f => f!.AsObject()).ToList();
        var rows = new List<object?[]>();
        var lineNumber = 0;
        foreach (var line in ndjson.Split('\n'))
        {
            lineNumber++;
            if (line.Length == 0) continue;
            JsonObject obj;
            try
            {
                obj = JsonNode.Parse(line)?.AsObject() ?? throw new JsonException("not an object");
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                throw Invalid($"Error while reading data, error message: JSON table encountered too many errors. Line {lineNumber}: {e.Message}");
            }
            foreach (var (name, _) in obj)
            {
                if (fields.All(f => f["name"]!.GetValue<string>() != name)) throw Invalid($"JSON parsing error in row starting at line {lineNumber}: No such field: {name}.");
            }
            rows.Add(fields.Select(f => ParseLoadValue(obj[f["name"]!.GetValue<string>()], f, lineNumber)).ToArray());
        }
        if (writeDisposition == "WRITE_EMPTY" && Scalar($"SELECT count(*) FROM \"{dataset}\".\"{table}\"") > 0) throw Invalid($"Already Exists: Table {table} is not empty");
        CountModifications([$"{dataset}.{table}"]);
        using var tx = _db.BeginTransaction();
        if (writeDisposition == "WRITE_TRUNCATE") Exec($"DELETE FROM \"{dataset}\".\"{table}\"");
        using (var appender = _db.CreateAppender(dataset, table))
        {
            foreach (var row in rows)
            {
                var target = appender.CreateRow();
                foreach (var value in row) AppendValue(target, value);
                target.EndRow();
            }
        }
        tx.Commit();
        return rows.Count;
    }

    /// <summary>
    /// Runs GoogleSQL: one query (returns its rows) or a script of statements, with BEGIN/COMMIT TRANSACTION mapped
    /// to a DuckDB transaction. Modifications count only when the script commits.
    /// </summary>
    public FakeQueryResult Execute(string sql, IReadOnlyDictionary<string, JsonObject> parameters)
    {
        var statements = sql.Split(';').Select(s => s.Trim()).Where(s => s.Length > 0).ToList();
        var pending = new List<string>();
        var inTransaction = false;
        FakeQueryResult? last = null;
        long affected = 0;
        try
        {
            foreach (var statement in statements)
            {
                if (Regex.IsMatch(statement, @"^BEGIN(\s+TRANSACTION)?$", RegexOptions.IgnoreCase))
                {
                    Exec("BEGIN TRANSACTION");
                    inTransaction = true;
                    continue;
                }
                if (Regex.IsMatch(statement, @"^COMMIT(\s+TRANSACTION)?$", RegexOptions.IgnoreCase))
                {
                    if (!inTransaction) throw Invalid("COMMIT TRANSACTION without BEGIN TRANSACTION");
                    CountModifications(pending);
                    Exec("COMMIT");
                    inTransaction = false;
                    pending.Clear();
                    continue;
                }
                var target = DmlTargetPattern().Match(statement);
                if (target.Success)
                {
                    var table = $"{target.Groups["dataset"].Value}.{target.Groups["table"].Value}";
                    if (inTransaction) pending.Add(table);
                    else CountModifications([table]);
                }
                var translated = Translate(statement, parameters);
                if (target.Success)
                {
                    using var cmd = _db.CreateCommand();
                    cmd.CommandText = translated;
                    affected += cmd.ExecuteNonQuery();
                }
                else
                {
                    last = Query(translated);
                }
            }
            if (inTransaction) throw Invalid("Transaction is not committed at the end of the script");
            return last ?? new FakeQueryResult([], [], affected);
        }
        catch (DuckDBException e)
        {
            if (inTransaction) Exec("ROLLBACK");
            throw Invalid($"Query error: {e.Message}", "invalidQuery");
        }
        catch
        {
            if (inTransaction) Exec("ROLLBACK");
            throw;
        }
    }

    private string Translate(string statement, IReadOnlyDictionary<string, JsonObject> parameters)
    {
        if (BareUnionPattern().IsMatch(statement)) throw Invalid("Syntax error: Expected keyword ALL or keyword DISTINCT but got keyword SELECT", "invalidQuery");
        var sql = TableRefPattern().Replace(statement, m =>
        {
            var (project, dataset, table) = (m.Groups["project"].Value, m.Groups["dataset"].Value, m.Groups["table"].Value);
            if (project != _project) throw new FakeBigQueryError(404, "notFound", $"Not found: Project {project}");
            if (!_tables.ContainsKey($"{dataset}.{table}")) throw NotFound($"Table {_project}:{dataset}.{table} was not found in location US");
            return $"\"{dataset}\".\"{table}\"";
        });
        var order = Regex.Match(sql, @"ORDER BY (?<items>.+)$", RegexOptions.IgnoreCase | RegexOptions.Singleline);
        if (order.Success)
        {
            var repeated = _tables.Values.SelectMany(t => t["schema"]!["fields"]!.AsArray())
                .Where(f => f!["mode"]?.GetValue<string>() == "REPEATED").Select(f => f!["name"]!.GetValue<string>()).ToHashSet();
            var item = order.Groups["items"].Value.Split(',').Select(i => i.Trim()).FirstOrDefault(repeated.Contains);
            if (item is not null) throw Invalid($"ORDER BY does not support expressions of type ARRAY<...> ({item})", "invalidQuery");
        }
        sql = Regex.Replace(sql, @"IN\s+UNNEST\(\s*@(\w+)\s*\)", "IN (SELECT UNNEST(@$1))", RegexOptions.IgnoreCase);
        return ParameterPattern().Replace(sql, m =>
        {
            var name = m.Groups[1].Value;
            if (!parameters.TryGetValue(name, out var parameter)) throw Invalid($"Query parameter '{name}' not found", "invalidQuery");
            return Literal(parameter["parameterType"]!.AsObject(), parameter["parameterValue"]!);
        });
    }

    private static string Literal(JsonObject type, JsonNode value)
    {
        var name = type["type"]!.GetValue<string>();
        if (name == "ARRAY")
        {
            var element = type["arrayType"]!.AsObject();
            var items = value["arrayValues"]?.AsArray().Select(v => Literal(element, v!)) ?? [];
            return $"CAST([{string.Join(", ", items)}] AS {DuckTypeOf(element["type"]!.GetValue<string>())}[])";
        }
        var text = value["value"]?.GetValue<string>();
        if (text is null) return "NULL";
        return name switch
        {
            "STRING" => $"'{text.Replace("'", "''", StringComparison.Ordinal)}'",
            "INT64" => long.Parse(text, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
            "FLOAT64" => $"CAST('{text}' AS DOUBLE)",
            "BOOL" => bool.Parse(text) ? "TRUE" : "FALSE",
            "DATE" => $"DATE '{DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture):yyyy-MM-dd}'",
            "TIMESTAMP" => $"TIMESTAMP '{DateTimeOffset.Parse(text, CultureInfo.InvariantCulture).UtcDateTime:yyyy-MM-dd HH:mm:ss.ffffff}'",
            _ => throw Invalid($"Unsupported query parameter type {name}"),
        };
    }

    private FakeQueryResult Query(string sql)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        using var reader = cmd.ExecuteReader();
        var fields = new List<JsonObject>();
        for (var i = 0; i < reader.FieldCount; i++)
        {
            var type = reader.GetFieldType(i);
            var repeated = type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type);
            var element = repeated ? (type.IsGenericType ? type.GetGenericArguments()[0] : typeof(string)) : type;
            fields.Add(new JsonObject
            {
                ["name"] = reader.GetName(i),
                ["type"] = BigQueryTypeOf(Nullable.GetUnderlyingType(element) ?? element),
                ["mode"] = repeated ? "REPEATED" : "NULLABLE",
            });
        }
        var rows = new List<JsonObject>();
        while (reader.Read())
        {
            var cells = new JsonArray();
            for (var i = 0; i < reader.FieldCount; i++)
            {
                cells.Add(new JsonObject { ["v"] = reader.IsDBNull(i) ? null : Cell(reader.GetValue(i)) });
            }
            rows.Add(new JsonObject { ["f"] = cells });
        }
        return new FakeQueryResult(fields, rows, null);
    }

    /// <summary>Result cells are strings (and arrays of `{"v": ...}`), as the REST API returns them.</summary>
    private static JsonNode? Cell(object value) => value switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        double d => FormatDouble(d),
        float f => FormatDouble(f),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t => ((DateTime.SpecifyKind(t, DateTimeKind.Utc) - DateTime.UnixEpoch).Ticks / 10).ToString(CultureInfo.InvariantCulture),
        DateTimeOffset t => ((t.UtcDateTime - DateTime.UnixEpoch).Ticks / 10).ToString(CultureInfo.InvariantCulture),
        IEnumerable list => new JsonArray(list.Cast<object?>().Select(e => (JsonNode)new JsonObject { ["v"] = e is null ? null : Cell(e) }).ToArray()),
        IConvertible c when value is not char => Convert.ToString(c, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static string FormatDouble(double d) =>
        double.IsNaN(d) ? "NaN" : double.IsPositiveInfinity(d) ? "Infinity" : double.IsNegativeInfinity(d) ? "-Infinity" : d.ToString("R", CultureInfo.InvariantCulture);

    private static string BigQueryTypeOf(Type type) =>
        type == typeof(string) ? "STRING"
        : type == typeof(bool) ? "BOOLEAN"
        : type == typeof(double) || type == typeof(float) ? "FLOAT"
        : type == typeof(DateOnly) ? "DATE"
        : type == typeof(DateTime) || type == typeof(DateTimeOffset) ? "TIMESTAMP"
        : "INTEGER";

    private static object? ParseLoadValue(JsonNode? node, JsonObject field, int line)
    {
        var name = field["name"]!.GetValue<string>();
        var type = field["type"]!.GetValue<string>();
        var mode = field["mode"]?.GetValue<string>() ?? "NULLABLE";
        if (mode == "REPEATED")
        {
            if (node is null) return Array.Empty<object>();
            if (node is not JsonArray array) throw Invalid($"JSON parsing error in row starting at line {line}: Array specified for non-repeated field: {name}.");
            var items = array.Select(e => e is null
                ? throw Invalid($"JSON parsing error in row starting at line {line}: Only optional fields can be set to NULL. Field: {name}")
                : ParseScalar(e, type, name, line)).ToList();
            return type is "FLOAT" or "FLOAT64" ? items.Cast<double>().ToList() : type is "STRING" ? items.Cast<string>().ToList() : items;
        }
        if (node is null)
        {
            if (mode == "REQUIRED") throw Invalid($"JSON parsing error in row starting at line {line}: Only optional fields can be set to NULL. Field: {name}");
            return null;
        }
        return ParseScalar(node, type, name, line);
    }

    private static object ParseScalar(JsonNode node, string type, string name, int line)
    {
        try
        {
            var kind = node.GetValueKind();
            return type switch
            {
                "STRING" when kind == JsonValueKind.String => node.GetValue<string>(),
                "INTEGER" or "INT64" when kind == JsonValueKind.Number => node.GetValue<long>(),
                "INTEGER" or "INT64" when kind == JsonValueKind.String => long.Parse(node.GetValue<string>(), CultureInfo.InvariantCulture),
                "FLOAT" or "FLOAT64" when kind == JsonValueKind.Number => node.GetValue<double>(),
                "FLOAT" or "FLOAT64" when kind == JsonValueKind.String => node.GetValue<string>() switch
                {
                    "NaN" => double.NaN, "Infinity" => double.PositiveInfinity, "-Infinity" => double.NegativeInfinity,
                    var s => double.Parse(s, CultureInfo.InvariantCulture),
                },
                "BOOLEAN" or "BOOL" when kind is JsonValueKind.True or JsonValueKind.False => node.GetValue<bool>(),
                "DATE" when kind == JsonValueKind.String => DateOnly.ParseExact(node.GetValue<string>(), "yyyy-MM-dd", CultureInfo.InvariantCulture),
                "TIMESTAMP" when kind == JsonValueKind.String => DateTimeOffset.Parse(node.GetValue<string>(), CultureInfo.InvariantCulture).UtcDateTime,
                _ => throw new FormatException($"{kind} is not a {type}"),
            };
        }
        catch (FormatException e)
        {
            throw Invalid($"JSON parsing error in row starting at line {line}: Could not convert value to {type.ToLowerInvariant()}. Field: {name}; {e.Message}");
        }
    }

    private static void AppendValue(IDuckDBAppenderRow row, object? value)
    {
        switch (value)
        {
            case null: row.AppendNullValue(); break;
            case string s: row.AppendValue(s); break;
            case long l: row.AppendValue(l); break;
            case double d: row.AppendValue(d); break;
            case bool b: row.AppendValue(b); break;
            case DateOnly d: row.AppendValue(d); break;
            case DateTime t: row.AppendValue(t); break;
            case List<double> list: row.AppendValue(list); break;
            case List<string> list: row.AppendValue(list); break;
            default: throw new InvalidOperationException($"the fake cannot append {value.GetType()}");
        }
    }

    /// <summary>All or nothing: a script whose modifications would go over the limit fails and counts none.</summary>
    private void CountModifications(IReadOnlyList<string> tables)
    {
        foreach (var group in tables.GroupBy(t => t))
        {
            if (_modifications.GetValueOrDefault(group.Key) + group.Count() > ModificationLimit)
            {
                throw new FakeBigQueryError(403, "quotaExceeded",
                    $"Quota exceeded: Your table exceeded quota for Number of table update operations per table per day ({group.Key}: {ModificationLimit})");
            }
        }
        foreach (var table in tables) _modifications[table] = _modifications.GetValueOrDefault(table) + 1;
    }

    private static string DuckTypeOf(string type) => type switch
    {
        "STRING" => "VARCHAR",
        "INTEGER" or "INT64" => "BIGINT",
        "FLOAT" or "FLOAT64" => "DOUBLE",
        "BOOLEAN" or "BOOL" => "BOOLEAN",
        "DATE" => "DATE",
        "TIMESTAMP" => "TIMESTAMP",
        _ => throw Invalid($"Unsupported field type {type}"),
    };

    private void Exec(string sql)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private long Scalar(string sql)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static FakeBigQueryError Invalid(string message, string reason = "invalid") => new(400, reason, message);

    private static FakeBigQueryError NotFound(string what) => new(404, "notFound", $"Not found: {what}");

    public void Dispose() => _db.Dispose();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,299}$")]
    private static partial Regex IdentifierPattern();

    [GeneratedRegex(@"`(?<project>[^`.]+)\.(?<dataset>[^`.]+)\.(?<table>[^`.]+)`")]
    private static partial Regex TableRefPattern();

    [GeneratedRegex(@"^(DELETE\s+FROM|INSERT\s+INTO|UPDATE|MERGE(\s+INTO)?)\s+`[^`.]+\.(?<dataset>[^`.]+)\.(?<table>[^`.]+)`", RegexOptions.IgnoreCase)]
    private static partial Regex DmlTargetPattern();

    [GeneratedRegex(@"\bUNION\s+(?!ALL\b|DISTINCT\b)", RegexOptions.IgnoreCase)]
    private static partial Regex BareUnionPattern();

    [GeneratedRegex(@"@(\w+)")]
    private static partial Regex ParameterPattern();
}

/// <summary>A finished query: result schema fields, rows as `{"f": [{"v": ...}]}`, and DML's affected row count.</summary>
public sealed record FakeQueryResult(IReadOnlyList<JsonObject> Fields, IReadOnlyList<JsonObject> Rows, long? DmlAffectedRows);
