using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DuckDB.NET.Data;

namespace NbaBackfill.Warehouse.BigQuery.Emulator;

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

    // A DuckDB file per fake, a connection per request: requests run side by side, as on BigQuery, and two
    // transactions on one table conflict as they do there.
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"fake-bigquery-{Path.GetRandomFileName()}.duckdb");
    private readonly DuckDBConnection _keeper;
    private readonly Lock _meta = new();
    private readonly string _project;
    private readonly Dictionary<string, JsonObject> _tables = new(StringComparer.Ordinal);
    private readonly HashSet<string> _datasets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _modifications = new(StringComparer.Ordinal);
    private readonly Dictionary<string, object> _writers = new(StringComparer.Ordinal);

    public FakeBigQueryStore(string project)
    {
        _project = project;
        _keeper = new DuckDBConnection($"Data Source={_path}");
        _keeper.Open();
    }

    public int ModificationLimit { get; set; } = DailyTableModificationLimit;

    /// <summary>Judges every statement before it runs (queries, DML, each statement of a script).</summary>
    public ZetaSql.ZetaSqlAnalyzer? Analyzer { get; init; }

    /// <summary>Told of every statement the analyzer or the cost guard refused.</summary>
    public Action<string>? OnViolation { get; init; }

    private int _analyzed;

    /// <summary>How many statements the analyzer has accepted (a test can see that it really judged them).</summary>
    public int AnalyzedStatements => Volatile.Read(ref _analyzed);

    /// <summary>
    /// BigQuery's checks of a statement before it runs, as the fake can make them: Google's ZetaSQL analyzer over a
    /// catalog of this dataset's tables as they are now (staging tables included) with the request's typed
    /// parameters; then the cost guard: no read or delete of a partitioned table without a filter on its partition
    /// column (a full scan costs money at 20 seasons).
    /// </summary>
    public void Check(string statement, IReadOnlyDictionary<string, JsonObject> parameters)
    {
        if (Analyzer is null) return;
        List<JsonObject> tables;
        lock (_meta) tables = _tables.Values.ToList();
        var catalog = tables.Select(t => new ZetaSql.ZetaSqlAnalyzer.CatalogTable(
            $"{_project}.{t["tableReference"]!["datasetId"]!.GetValue<string>()}.{t["tableReference"]!["tableId"]!.GetValue<string>()}",
            t["schema"]!["fields"]!.AsArray()));
        var problem = Analyzer.Analyze(statement, catalog, parameters) is { } error
            ? $"ZetaSQL: {error}"
            : UnfilteredPartitionScan(statement, tables);
        if (problem is null)
        {
            Interlocked.Increment(ref _analyzed);
            return;
        }
        OnViolation?.Invoke($"{problem} — in: {statement}");
        throw Invalid(problem, "invalidQuery");
    }

    private static string? UnfilteredPartitionScan(string statement, IReadOnlyList<JsonObject> tables)
    {
        foreach (Match m in TableRefPattern().Matches(statement))
        {
            var table = tables.FirstOrDefault(t => t["tableReference"]!["tableId"]!.GetValue<string>() == m.Groups["table"].Value
                                                   && t["tableReference"]!["datasetId"]!.GetValue<string>() == m.Groups["dataset"].Value);
            if (table?["timePartitioning"]?["field"]?.GetValue<string>() is not { } column) continue;
            // Inserting into a table reads nothing of it.
            if (Regex.IsMatch(statement[..m.Index], @"INSERT\s+INTO\s*$", RegexOptions.IgnoreCase)) continue;
            if (!Regex.IsMatch(statement, $@"\b(\w+\.)?{column}\s*(BETWEEN\b|IN\b|=|<|>)", RegexOptions.IgnoreCase))
            {
                return $"Cost guard: {m.Groups["table"].Value} is partitioned by {column}, and this statement reads it without a filter on {column}";
            }
        }
        return null;
    }

    /// <summary>Table modifications today, by `dataset.table`.</summary>
    public IReadOnlyDictionary<string, int> Modifications
    {
        get { lock (_meta) return new Dictionary<string, int>(_modifications); }
    }

    public void StartNewDay()
    {
        lock (_meta) _modifications.Clear();
    }

    public bool HasDataset(string dataset)
    {
        lock (_meta) return _datasets.Contains(dataset);
    }

    public void CreateDataset(string dataset)
    {
        lock (_meta)
        {
            if (!_datasets.Add(dataset)) throw new FakeBigQueryError(409, "duplicate", $"Already Exists: Dataset {_project}:{dataset}");
            Exec(_keeper, $"CREATE SCHEMA \"{dataset}\"");
        }
    }

    public JsonObject? GetTable(string dataset, string table)
    {
        lock (_meta) return _tables.GetValueOrDefault($"{dataset}.{table}")?.DeepClone().AsObject();
    }

    private bool HasTable(string dataset, string table)
    {
        lock (_meta) return _tables.ContainsKey($"{dataset}.{table}");
    }

    public IReadOnlyCollection<string> TableNames
    {
        get { lock (_meta) return _tables.Keys.ToList(); }
    }

    public void CreateTable(string dataset, JsonObject resource)
    {
        lock (_meta) CreateTableLocked(dataset, resource);
    }

    private void CreateTableLocked(string dataset, JsonObject resource)
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
        Exec(_keeper, $"CREATE TABLE \"{dataset}\".\"{table}\" ({string.Join(", ", columns)})");
        _tables[$"{dataset}.{table}"] = resource.DeepClone().AsObject();
    }

    public void DeleteTable(string dataset, string table)
    {
        lock (_meta)
        {
            if (!_tables.Remove($"{dataset}.{table}")) throw NotFound($"Table {_project}:{dataset}.{table}");
            Exec(_keeper, $"DROP TABLE \"{dataset}\".\"{table}\"");
        }
    }

    /// <summary>A load job: NDJSON checked against the destination's schema, then the table replaced or appended.</summary>
    public long Load(string dataset, string table, string writeDisposition, string ndjson)
    {
        if (table.Contains('$', StringComparison.Ordinal)) throw Invalid("partition decorators are not supported by this fake");
        var resource = GetTable(dataset, table) ?? throw NotFound($"Table {_project}:{dataset}.{table}");
        var fields = resource["schema"]!["fields"]!.AsArray()
            .Select(f => new LoadField(f!["name"]!.GetValue<string>(), f["type"]!.GetValue<string>(), f["mode"]?.GetValue<string>() ?? "NULLABLE"))
            .ToList();
        var index = fields.Select((f, i) => (f.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        var rows = new List<object?[]>();
        var lineNumber = 0;
        foreach (var line in ndjson.Split('\n'))
        {
            lineNumber++;
            if (line.Length == 0) continue;
            var row = new object?[fields.Count];
            var seen = new bool[fields.Count];
            try
            {
                using var document = JsonDocument.Parse(line);
                if (document.RootElement.ValueKind != JsonValueKind.Object) throw new JsonException("not an object");
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    if (!index.TryGetValue(property.Name, out var i)) throw Invalid($"JSON parsing error in row starting at line {lineNumber}: No such field: {property.Name}.");
                    row[i] = ParseLoadValue(property.Value, fields[i], lineNumber);
                    seen[i] = true;
                }
            }
            catch (JsonException e)
            {
                throw Invalid($"Error while reading data, error message: JSON table encountered too many errors. Line {lineNumber}: {e.Message}");
            }
            for (var i = 0; i < fields.Count; i++)
            {
                if (!seen[i]) row[i] = ParseLoadValue(default, fields[i], lineNumber);
            }
            rows.Add(row);
        }
        using var conn = Connect();
        if (writeDisposition == "WRITE_EMPTY" && Scalar(conn, $"SELECT count(*) FROM \"{dataset}\".\"{table}\"") > 0) throw Invalid($"Already Exists: Table {table} is not empty");
        lock (_meta) CountModifications([$"{dataset}.{table}"]);
        using var tx = conn.BeginTransaction();
        if (writeDisposition == "WRITE_TRUNCATE") Exec(conn, $"DELETE FROM \"{dataset}\".\"{table}\"");
        using (var appender = conn.CreateAppender(dataset, table))
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
    /// to a DuckDB transaction. Modifications count only when the script commits. As on BigQuery, a transaction that
    /// mutates a table another open transaction is mutating is aborted ("concurrent update"), whatever rows it touches.
    /// </summary>
    public FakeQueryResult Execute(string sql, IReadOnlyDictionary<string, JsonObject> parameters)
    {
        var owner = new object();
        try
        {
            return Execute(sql, parameters, owner);
        }
        finally
        {
            lock (_meta)
            {
                foreach (var table in _writers.Where(w => w.Value == owner).Select(w => w.Key).ToList()) _writers.Remove(table);
            }
        }
    }

    /// <summary>
    /// What a job's SQL is, for its trace: a query, one DML statement or a script, how many statements it runs
    /// (transaction control aside) and the table its first DML statement writes — read as <see cref="Execute(string, IReadOnlyDictionary{string, JsonObject})"/> reads it.
    /// </summary>
    public static (BigQueryJobKind Kind, int Statements, string? Table) Describe(string sql)
    {
        var statements = Statements(sql);
        var work = statements.Where(s => !BeginPattern().IsMatch(s) && !CommitPattern().IsMatch(s)).ToList();
        var target = work.Select(s => DmlTargetPattern().Match(s)).FirstOrDefault(m => m.Success);
        var kind = statements.Count > 1 ? BigQueryJobKind.Script : target is not null ? BigQueryJobKind.Dml : BigQueryJobKind.Query;
        return (kind, Math.Max(1, work.Count), target?.Groups["table"].Value);
    }

    private static List<string> Statements(string sql) => sql.Split(';').Select(s => s.Trim()).Where(s => s.Length > 0).ToList();

    private FakeQueryResult Execute(string sql, IReadOnlyDictionary<string, JsonObject> parameters, object owner)
    {
        var statements = Statements(sql);
        using var conn = Connect();
        var pending = new List<string>();
        var inTransaction = false;
        FakeQueryResult? last = null;
        long affected = 0;
        try
        {
            foreach (var statement in statements)
            {
                if (BeginPattern().IsMatch(statement))
                {
                    Exec(conn, "BEGIN TRANSACTION");
                    inTransaction = true;
                    continue;
                }
                if (CommitPattern().IsMatch(statement))
                {
                    if (!inTransaction) throw Invalid("COMMIT TRANSACTION without BEGIN TRANSACTION");
                    lock (_meta)
                    {
                        CheckQuota(pending);
                        Exec(conn, "COMMIT");
                        CountModifications(pending);
                    }
                    inTransaction = false;
                    pending.Clear();
                    continue;
                }
                Check(statement, parameters);
                var target = DmlTargetPattern().Match(statement);
                if (target.Success)
                {
                    var table = $"{target.Groups["dataset"].Value}.{target.Groups["table"].Value}";
                    if (inTransaction)
                    {
                        lock (_meta)
                        {
                            if (_writers.TryGetValue(table, out var other) && other != owner)
                            {
                                throw Invalid($"Transaction is aborted due to concurrent update against table {_project}:{table}", "invalidQuery");
                            }
                            _writers[table] = owner;
                        }
                        pending.Add(table);
                    }
                    else lock (_meta) CountModifications([table]);
                }
                var translated = Translate(statement, parameters);
                if (target.Success)
                {
                    using var cmd = conn.CreateCommand();
                    cmd.CommandText = translated;
                    affected += cmd.ExecuteNonQuery();
                }
                else
                {
                    last = Query(conn, translated);
                }
            }
            if (inTransaction) throw Invalid("Transaction is not committed at the end of the script");
            return last ?? new FakeQueryResult([], [], affected);
        }
        catch (DuckDBException e) when (e.Message.Contains("conflict", StringComparison.OrdinalIgnoreCase))
        {
            Rollback(conn, inTransaction);
            throw Invalid($"Transaction is aborted due to concurrent update: {e.Message}", "invalidQuery");
        }
        catch (DuckDBException e)
        {
            Rollback(conn, inTransaction);
            throw Invalid($"Query error: {e.Message}", "invalidQuery");
        }
        catch
        {
            Rollback(conn, inTransaction);
            throw;
        }
    }

    private static void Rollback(DuckDBConnection conn, bool inTransaction)
    {
        try
        {
            if (inTransaction) Exec(conn, "ROLLBACK");
        }
        catch (DuckDBException)
        {
            // A conflicting commit has already rolled the transaction back.
        }
    }

    private string Translate(string statement, IReadOnlyDictionary<string, JsonObject> parameters)
    {
        if (BareUnionPattern().IsMatch(statement)) throw Invalid("Syntax error: Expected keyword ALL or keyword DISTINCT but got keyword SELECT", "invalidQuery");
        var sql = TableRefPattern().Replace(statement, m =>
        {
            var (project, dataset, table) = (m.Groups["project"].Value, m.Groups["dataset"].Value, m.Groups["table"].Value);
            if (project != _project) throw new FakeBigQueryError(404, "notFound", $"Not found: Project {project}");
            if (!HasTable(dataset, table)) throw NotFound($"Table {_project}:{dataset}.{table} was not found in location US");
            return $"\"{dataset}\".\"{table}\"";
        });
        var order = Regex.Match(sql, @"ORDER BY (?<items>.+)$", RegexOptions.IgnoreCase | RegexOptions.Singleline);
        if (order.Success)
        {
            List<JsonObject> tables;
            lock (_meta) tables = _tables.Values.ToList();
            var repeated = tables.SelectMany(t => t["schema"]!["fields"]!.AsArray())
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

    private static FakeQueryResult Query(DuckDBConnection conn, string sql)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        using var reader = cmd.ExecuteReader();
        var fields = new List<JsonObject>();
        var kinds = new CellKind[reader.FieldCount];
        for (var i = 0; i < reader.FieldCount; i++)
        {
            var type = reader.GetFieldType(i);
            var repeated = type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type);
            var element = repeated ? (type.IsGenericType ? type.GetGenericArguments()[0] : typeof(string)) : type;
            element = Nullable.GetUnderlyingType(element) ?? element;
            var bigQueryType = BigQueryTypeOf(element);
            kinds[i] = repeated ? CellKind.List : bigQueryType switch
            {
                "STRING" => CellKind.String, "BOOLEAN" => CellKind.Bool, "FLOAT" => CellKind.Double, "DATE" => CellKind.Date,
                "TIMESTAMP" => CellKind.Timestamp, _ => CellKind.Integer,
            };
            fields.Add(new JsonObject { ["name"] = reader.GetName(i), ["type"] = bigQueryType, ["mode"] = repeated ? "REPEATED" : "NULLABLE" });
        }
        // Rows are kept as the JSON text the API sends ({"f":[{"v":"..."}]}): pages are cut from them without re-encoding.
        var rows = new List<string>();
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using var writer = new Utf8JsonWriter(buffer);
        while (reader.Read())
        {
            buffer.ResetWrittenCount();
            writer.Reset();
            writer.WriteStartObject();
            writer.WriteStartArray("f");
            for (var i = 0; i < kinds.Length; i++)
            {
                writer.WriteStartObject();
                writer.WritePropertyName("v");
                if (reader.IsDBNull(i)) writer.WriteNullValue();
                else
                {
                    switch (kinds[i])
                    {
                        case CellKind.String: writer.WriteStringValue(reader.GetString(i)); break;
                        case CellKind.Bool: writer.WriteStringValue(reader.GetBoolean(i) ? "true" : "false"); break;
                        case CellKind.Double: writer.WriteStringValue(FormatDouble(reader.GetDouble(i))); break;
                        case CellKind.Date: writer.WriteStringValue(reader.GetFieldValue<DateOnly>(i).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)); break;
                        case CellKind.Timestamp: writer.WriteStringValue(Micros(reader.GetDateTime(i))); break;
                        case CellKind.Integer: writer.WriteStringValue(Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)); break;
                        default:
                            writer.WriteStartArray();
                            foreach (var e in (IEnumerable)reader.GetValue(i))
                            {
                                writer.WriteStartObject();
                                writer.WriteString("v", e switch
                                {
                                    null => null,
                                    double d => FormatDouble(d),
                                    bool b => b ? "true" : "false",
                                    _ => Convert.ToString(e, CultureInfo.InvariantCulture),
                                });
                                writer.WriteEndObject();
                            }
                            writer.WriteEndArray();
                            break;
                    }
                }
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.Flush();
            rows.Add(System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
        }
        return new FakeQueryResult(fields, rows, null);
    }

    private enum CellKind { String, Bool, Double, Date, Timestamp, Integer, List }

    private static string Micros(DateTime t) =>
        ((DateTime.SpecifyKind(t, DateTimeKind.Utc) - DateTime.UnixEpoch).Ticks / 10).ToString(CultureInfo.InvariantCulture);

    private static string FormatDouble(double d) =>
        double.IsNaN(d) ? "NaN" : double.IsPositiveInfinity(d) ? "Infinity" : double.IsNegativeInfinity(d) ? "-Infinity" : d.ToString("R", CultureInfo.InvariantCulture);

    private static string BigQueryTypeOf(Type type) =>
        type == typeof(string) ? "STRING"
        : type == typeof(bool) ? "BOOLEAN"
        : type == typeof(double) || type == typeof(float) ? "FLOAT"
        : type == typeof(DateOnly) ? "DATE"
        : type == typeof(DateTime) || type == typeof(DateTimeOffset) ? "TIMESTAMP"
        : "INTEGER";

    private sealed record LoadField(string Name, string Type, string Mode);

    private static object? ParseLoadValue(JsonElement node, LoadField field, int line)
    {
        var missing = node.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null;
        if (field.Mode == "REPEATED")
        {
            if (missing) return field.Type is "FLOAT" or "FLOAT64" ? new List<double>() : new List<string>();
            if (node.ValueKind != JsonValueKind.Array) throw Invalid($"JSON parsing error in row starting at line {line}: Array specified for non-repeated field: {field.Name}.");
            var items = node.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null
                ? throw Invalid($"JSON parsing error in row starting at line {line}: Only optional fields can be set to NULL. Field: {field.Name}")
                : ParseScalar(e, field, line)).ToList();
            return field.Type is "FLOAT" or "FLOAT64" ? items.Cast<double>().ToList() : field.Type is "STRING" ? items.Cast<string>().ToList() : items;
        }
        if (missing)
        {
            if (field.Mode == "REQUIRED") throw Invalid($"JSON parsing error in row starting at line {line}: Only optional fields can be set to NULL. Field: {field.Name}");
            return null;
        }
        return ParseScalar(node, field, line);
    }

    private static object ParseScalar(JsonElement node, LoadField field, int line)
    {
        try
        {
            var kind = node.ValueKind;
            return field.Type switch
            {
                "STRING" when kind == JsonValueKind.String => node.GetString()!,
                "INTEGER" or "INT64" when kind == JsonValueKind.Number => node.GetInt64(),
                "INTEGER" or "INT64" when kind == JsonValueKind.String => long.Parse(node.GetString()!, CultureInfo.InvariantCulture),
                "FLOAT" or "FLOAT64" when kind == JsonValueKind.Number => node.GetDouble(),
                "FLOAT" or "FLOAT64" when kind == JsonValueKind.String => node.GetString() switch
                {
                    "NaN" => double.NaN, "Infinity" => double.PositiveInfinity, "-Infinity" => double.NegativeInfinity,
                    var s => double.Parse(s!, CultureInfo.InvariantCulture),
                },
                "BOOLEAN" or "BOOL" when kind is JsonValueKind.True or JsonValueKind.False => node.GetBoolean(),
                "DATE" when kind == JsonValueKind.String => DateOnly.ParseExact(node.GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture),
                "TIMESTAMP" when kind == JsonValueKind.String => DateTimeOffset.Parse(node.GetString()!, CultureInfo.InvariantCulture).UtcDateTime,
                _ => throw new FormatException($"{kind} is not a {field.Type}"),
            };
        }
        catch (FormatException e)
        {
            throw Invalid($"JSON parsing error in row starting at line {line}: Could not convert value to {field.Type.ToLowerInvariant()}. Field: {field.Name}; {e.Message}");
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
        CheckQuota(tables);
        foreach (var table in tables) _modifications[table] = _modifications.GetValueOrDefault(table) + 1;
    }

    private void CheckQuota(IReadOnlyList<string> tables)
    {
        foreach (var group in tables.GroupBy(t => t))
        {
            if (_modifications.GetValueOrDefault(group.Key) + group.Count() > ModificationLimit)
            {
                throw new FakeBigQueryError(403, "quotaExceeded",
                    $"Quota exceeded: Your table exceeded quota for Number of table update operations per table per day ({group.Key}: {ModificationLimit})");
            }
        }
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

    private DuckDBConnection Connect()
    {
        var conn = new DuckDBConnection($"Data Source={_path}");
        conn.Open();
        return conn;
    }

    private static void Exec(DuckDBConnection conn, string sql)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static long Scalar(DuckDBConnection conn, string sql)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static FakeBigQueryError Invalid(string message, string reason = "invalid") => new(400, reason, message);

    private static FakeBigQueryError NotFound(string what) => new(404, "notFound", $"Not found: {what}");

    public void Dispose()
    {
        _keeper.Dispose();
        foreach (var file in new[] { _path, _path + ".wal" })
        {
            if (File.Exists(file)) File.Delete(file);
        }
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,299}$")]
    private static partial Regex IdentifierPattern();

    [GeneratedRegex(@"`(?<project>[^`.]+)\.(?<dataset>[^`.]+)\.(?<table>[^`.]+)`")]
    private static partial Regex TableRefPattern();

    [GeneratedRegex(@"^(DELETE\s+FROM|INSERT\s+INTO|UPDATE|MERGE(\s+INTO)?)\s+`[^`.]+\.(?<dataset>[^`.]+)\.(?<table>[^`.]+)`", RegexOptions.IgnoreCase)]
    private static partial Regex DmlTargetPattern();

    [GeneratedRegex(@"^BEGIN(\s+TRANSACTION)?$", RegexOptions.IgnoreCase)]
    private static partial Regex BeginPattern();

    [GeneratedRegex(@"^COMMIT(\s+TRANSACTION)?$", RegexOptions.IgnoreCase)]
    private static partial Regex CommitPattern();

    [GeneratedRegex(@"\bUNION\s+(?!ALL\b|DISTINCT\b)", RegexOptions.IgnoreCase)]
    private static partial Regex BareUnionPattern();

    [GeneratedRegex(@"@(\w+)")]
    private static partial Regex ParameterPattern();
}

/// <summary>A finished query: result schema fields, rows as `{"f": [{"v": ...}]}`, and DML's affected row count.</summary>
public sealed record FakeQueryResult(IReadOnlyList<JsonObject> Fields, IReadOnlyList<string> Rows, long? DmlAffectedRows);
