using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using NbaBackfill.Calendar;
using NbaBackfill.Failures;
using NbaBackfill.Processors;
using NbaBackfill.Raw;
using NbaBackfill.Tables;
using NbaBackfill.Versions;

namespace NbaBackfill.Warehouse.BigQuery;

/// <summary>
/// The production warehouse: one BigQuery dataset, tables from the same declarations as DuckDB (day-partitioned,
/// clustered). A write replaces many date partitions at once with two table modifications: the rows are loaded
/// (NDJSON, WRITE_TRUNCATE) into a fresh staging table, then one multi-statement transaction deletes the dates and
/// inserts the staged rows, so output and failures change together or not at all, and a re-run replaces rather
/// than appends. A partition-decorator load would cost one modification per date: 20 seasons ≈ 3,300 dates, over
/// the 1,500 modifications a table may take per day.
/// </summary>
public sealed class BigQueryWarehouse : IWarehouse
{
    // Writers of this process take turns per table: BigQuery aborts a transaction when another one mutates the same
    // table, whatever rows each touches (PSZA and TDZA share analytics_failures). Other processes are met by retries.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> _tableTurns = new(StringComparer.Ordinal);
    private readonly BigQueryRestClient _client;
    private readonly TimeProvider _time;
    private readonly HttpClient? _ownedHttp;

    public BigQueryWarehouse(BigQueryRestClient client, TimeProvider time, HttpClient? ownedHttp = null)
    {
        _client = client;
        _time = time;
        _ownedHttp = ownedHttp;
    }

    public string Describe => _client.Options.Describe;

    public BigQueryRestClient Client => _client;

    /// <summary>Connects with the given token source, creating the dataset and tables if they are missing.</summary>
    public static async Task<BigQueryWarehouse> OpenAsync(BigQueryOptions options, IAccessTokenSource tokens, TimeProvider time, CancellationToken ct = default)
    {
        var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var warehouse = new BigQueryWarehouse(new BigQueryRestClient(http, tokens, options, time), time, http);
        try
        {
            await warehouse.EnsureSchemaAsync(ct);
            return warehouse;
        }
        catch
        {
            await warehouse.DisposeAsync();
            throw;
        }
    }

    public async Task EnsureSchemaAsync(CancellationToken ct)
    {
        if (await _client.GetDatasetAsync(ct) is null) await _client.CreateDatasetAsync(ct);
        await Task.WhenAll(TableCatalog.All.Select(async table =>
        {
            var existing = await _client.GetTableAsync(table.Name, ct);
            if (existing is null)
            {
                await _client.CreateTableAsync(BigQuerySchemas.TableResource(_client.Options.Project, _client.Options.Dataset, table), ct);
                return;
            }
            var names = existing["schema"]?["fields"]?.AsArray().Select(f => f!["name"]!.GetValue<string>()).ToList() ?? [];
            if (!names.SequenceEqual(table.ColumnNames))
            {
                throw new WarehouseException(
                    $"table {table.Name} in {Describe} has columns ({string.Join(", ", names)}) that differ from this version's schema");
            }
        }));
    }

    public Task<IReadOnlyList<T>> ReadAsync<T>(TableSchema table, DateRange range, Func<Row, T> map, CancellationToken ct) =>
        ReadProjectedAsync(table, range, table.ColumnNames.ToList(), false, map, ct);

    public Task<IReadOnlyList<T>> ReadProjectedAsync<T>(
        TableSchema table, DateRange range, IReadOnlyList<string> columns, bool distinct, Func<Row, T> map, CancellationToken ct) =>
        SelectAsync(table, columns,
            $"SELECT {(distinct ? "DISTINCT " : "")}{string.Join(", ", columns)} FROM {Ref(table)} WHERE {table.PartitionColumn} BETWEEN @from AND @to",
            RangeParameters(range), map, ct);

    public async Task<IReadOnlySet<string>> ReadSeasonsWithShotZonesAsync(CancellationToken ct)
    {
        var table = TableCatalog.RawSeasons;
        var seasons = await SelectAsync(table, ["season"], $"SELECT season FROM {Ref(table)} WHERE has_shot_zones", [], r => RawSeasonRow.From(r).Season, ct);
        return seasons.ToHashSet(StringComparer.Ordinal);
    }

    public Task<IReadOnlyList<FailureRecord>> ReadUnresolvedFailuresAsync(ProcessorId processor, DateRange range, CancellationToken ct)
    {
        var table = TableCatalog.FailuresOf(processor);
        var parameters = RangeParameters(range);
        parameters.Add(BigQueryValues.Parameter("processor", ColumnType.String, processor.ToString()));
        parameters.Add(BigQueryValues.Parameter("resolved", ColumnType.String, ResolutionStatus.Resolved));
        return SelectAsync(table, table.ColumnNames.ToList(),
            $"SELECT {Columns(table)} FROM {Ref(table)} WHERE processor_name = @processor AND analysis_date BETWEEN @from AND @to " +
            "AND resolution_status <> @resolved", parameters, FailureRecord.From, ct);
    }

    /// <summary>
    /// One processor's unresolved failure keys, filtered by the job: the failure tables are clustered by processor, so
    /// each processor's job reads its own blocks (through the projected-read default, every processor's job read the
    /// whole table's keys and dropped the other processors' in memory).
    /// </summary>
    public Task<IReadOnlyList<(DateOnly Date, string Entity)>> ReadUnresolvedFailureKeysAsync(
        TableSchema failures, ProcessorId processor, DateRange range, CancellationToken ct)
    {
        var parameters = RangeParameters(range);
        parameters.Add(BigQueryValues.Parameter("processor", ColumnType.String, processor.ToString()));
        parameters.Add(BigQueryValues.Parameter("resolved", ColumnType.String, ResolutionStatus.Resolved));
        var (date, entity) = (failures.IndexOf("analysis_date"), failures.IndexOf("entity_id"));
        return SelectAsync(failures, ["analysis_date", "entity_id"],
            $"SELECT analysis_date, entity_id FROM {Ref(failures)} WHERE processor_name = @processor AND analysis_date BETWEEN @from AND @to " +
            "AND resolution_status IS DISTINCT FROM @resolved", parameters, r => (r.Date(date), r.Str(entity)), ct);
    }

    public Task<IReadOnlyList<object?[]>> ReadAllAsync(TableSchema table, DateRange? range, CancellationToken ct)
    {
        // No range = the whole table, deliberately (export): every partition is named, NULL ones included.
        var filtered = table.PartitionColumn is not null;
        var nullable = range is null && filtered && table.Columns[table.IndexOf(table.PartitionColumn!)].Nullable;
        range ??= new DateRange(DateRange.Earliest, DateRange.Latest);
        var where = filtered ? $" WHERE ({table.PartitionColumn} BETWEEN @from AND @to{(nullable ? $" OR {table.PartitionColumn} IS NULL" : "")})" : "";
        // BigQuery cannot ORDER BY an ARRAY: the key (plus the scalar columns as tie-breakers) orders the rows.
        var order = table.Key.Concat(table.Columns.Where(c => !c.IsRepeated).Select(c => c.Name));
        return SelectAsync(table, table.ColumnNames.ToList(),
            $"SELECT {Columns(table)} FROM {Ref(table)}{where} ORDER BY {string.Join(", ", order)}",
            filtered ? RangeParameters(range!.Value) : [], r => r.Values, ct);
    }

    public Task<IReadOnlyList<object?[]>> ReadWhereAsync(TableSchema table, string column, object value, CancellationToken ct)
    {
        var type = table.Columns[table.IndexOf(column)].Type;
        return SelectAsync(table, table.ColumnNames.ToList(),
            $"SELECT {Columns(table)} FROM {Ref(table)} WHERE {column} = @value ORDER BY {string.Join(", ", table.Key)}",
            [BigQueryValues.Parameter("value", type, value)], r => r.Values, ct);
    }

    public async Task<IReadOnlyList<GroupCount>> CountGroupsAsync(
        TableSchema table, IReadOnlyList<string> groupBy, DateRange? range, string? whereColumn, object? whereValue, CancellationToken ct)
    {
        var indexes = groupBy.Select(table.IndexOf).ToArray();
        var where = new List<string>();
        var parameters = new JsonArray();
        if (range is { } r && table.PartitionColumn is { } partition)
        {
            where.Add($"{partition} BETWEEN @from AND @to");
            foreach (var p in RangeParameters(r)) parameters.Add(p!.DeepClone());
        }
        if (whereColumn is not null)
        {
            where.Add($"{whereColumn} = @value");
            parameters.Add(BigQueryValues.Parameter("value", table.Columns[table.IndexOf(whereColumn)].Type, whereValue!));
        }
        var result = await _client.QueryAsync(
            $"SELECT {string.Join(", ", groupBy)}, COUNT(*) AS n FROM {Ref(table)}" +
            (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + $" GROUP BY {string.Join(", ", groupBy)}",
            parameters, $"count {table.Name}", ct);
        return result.Rows.Select(cells => new GroupCount(
                indexes.Select((column, i) => BigQueryValues.FromCell(cells[i], table.Columns[column].Type)).ToArray(),
                (long)BigQueryValues.FromCell(cells[indexes.Length], ColumnType.Int64)!))
            .ToList();
    }

    public Task<IReadOnlyList<object?[]>> ReadWhereAsync(TableSchema table, string column, object value, DateRange within, CancellationToken ct)
    {
        var type = table.Columns[table.IndexOf(column)].Type;
        var partition = table.PartitionColumn ?? throw new ArgumentException($"{table.Name} has no date partition");
        var parameters = RangeParameters(within);
        parameters.Add(BigQueryValues.Parameter("value", type, value));
        return SelectAsync(table, table.ColumnNames.ToList(),
            $"SELECT {Columns(table)} FROM {Ref(table)} WHERE {column} = @value AND {partition} BETWEEN @from AND @to ORDER BY {string.Join(", ", table.Key)}",
            parameters, r => r.Values, ct);
    }

    public async Task<IReadOnlyDictionary<DateOnly, int>> CountByDateAsync(TableSchema table, DateRange range, CancellationToken ct)
    {
        var column = table.PartitionColumn ?? throw new ArgumentException($"{table.Name} has no date partition");
        var result = await _client.QueryAsync(
            $"SELECT {column}, COUNT(*) AS n FROM {Ref(table)} WHERE {column} BETWEEN @from AND @to GROUP BY {column}",
            RangeParameters(range), $"count {table.Name}", ct);
        return result.Rows.ToDictionary(
            r => (DateOnly)BigQueryValues.FromCell(r[0], ColumnType.Date)!,
            r => (int)(long)BigQueryValues.FromCell(r[1], ColumnType.Int64)!);
    }

    public async Task<IReadOnlySet<(ProcessorId Processor, DateOnly Date)>> ReadProcessedNodesAsync(
        DateRange range, IReadOnlyCollection<ProcessorId> processors, CancellationToken ct)
    {
        var asked = ProcessorIds.All.Where(processors.Contains).ToList();
        if (asked.Count == 0) return new HashSet<(ProcessorId, DateOnly)>();
        // (Processor ids are the registry's identifiers, never request text.)
        var parts = asked.Select(p => (p, t: TableCatalog.OutputOf(p)))
            .Select(x => $"SELECT DISTINCT '{x.p}' AS processor_name, {x.t.PartitionColumn} AS node_date FROM {Ref(x.t)} " +
                         $"WHERE {x.t.PartitionColumn} BETWEEN @from AND @to")
            .Concat(asked.GroupBy(TableCatalog.FailuresOf).Select(g =>
                $"SELECT DISTINCT processor_name, analysis_date AS node_date FROM {Ref(g.Key)} WHERE analysis_date BETWEEN @from AND @to " +
                $"AND processor_name IN ({string.Join(", ", g.Select(p => $"'{p}'"))})"));
        var result = await _client.QueryAsync(string.Join(" UNION DISTINCT ", parts), RangeParameters(range), "processed nodes", ct);
        return result.Rows
            .Select(r => (ProcessorIds.Parse((string)BigQueryValues.FromCell(r[0], ColumnType.String)!), (DateOnly)BigQueryValues.FromCell(r[1], ColumnType.Date)!))
            .ToHashSet();
    }

    /// <summary>
    /// Every raw table's rows of the season in one transaction. Each DELETE names its partitions: a season's games, box
    /// scores and shot zones lie within its game dates, those of this load and of the one it replaces (raw_seasons).
    /// raw_rejects is small and its dates are not known before reading it: its delete names the whole date range on
    /// purpose (and the NULL partition of rejects without a date).
    /// </summary>
    public async Task ReplaceRawAsync(RawLoad load, CancellationToken ct)
    {
        var (season, rows) = (load.Season, load.Rows);
        var seasonParameter = BigQueryValues.Parameter("season", ColumnType.String, season.Season);
        var seasons = TableCatalog.RawSeasons;
        var previous = await SelectAsync(seasons, seasons.ColumnNames.ToList(),
            $"SELECT {Columns(seasons)} FROM {Ref(seasons)} WHERE season = @season", [seasonParameter.DeepClone()], RawSeasonRow.From, ct);
        var seasonRow = previous.SingleOrDefault();
        // The partitions to name: this load's dates, or (whole season) its dates and the replaced load's span.
        var dates = load.Dates is { } scope ? [scope.From, scope.To]
            : rows.GameDates.Concat(previous.SelectMany(p => new[] { p.FirstGameDate, p.LastGameDate })).Where(d => d != DateOnly.MinValue).ToList();
        var span = dates.Count > 0 ? new DateRange(dates.Min(), dates.Max()) : DateRange.Single(DateRange.Earliest);
        var everything = new DateRange(DateRange.Earliest, DateRange.Latest);
        var parameters = RangeParameters(span);
        parameters.Add(seasonParameter);
        parameters.Add(BigQueryValues.ArrayParameter("teams", ColumnType.Int64, season.Teams.Select(t => t.TeamId)));
        parameters.Add(BigQueryValues.Parameter("earliest", ColumnType.Date, everything.From));
        parameters.Add(BigQueryValues.Parameter("latest", ColumnType.Date, everything.To));
        const string inSpan = "season = @season AND game_date BETWEEN @from AND @to";
        var versions = TableCatalog.RawVersions;
        var previousVersions = await SelectAsync(versions, versions.ColumnNames.ToList(),
            $"SELECT {Columns(versions)} FROM {Ref(versions)} WHERE {inSpan}", parameters.DeepClone().AsArray(), RawVersionRow.From, ct);
        await ReplaceAsync(
        [
            new Replacement(TableCatalog.RawTeams, "team_id IN UNNEST(@teams)", season.Teams),
            new Replacement(TableCatalog.RawGames, inSpan, rows.Games),
            new Replacement(TableCatalog.RawBoxScores, inSpan, rows.BoxScores),
            new Replacement(TableCatalog.RawShotZones, inSpan, rows.ShotZones ?? []),
            new Replacement(TableCatalog.RawRejects, load.Dates is null
                ? "season = @season AND (game_date BETWEEN @earliest AND @latest OR game_date IS NULL)"
                : inSpan, rows.Rejects),
            new Replacement(versions, inSpan, RawVersions.Of(load, previousVersions)),
            new Replacement(seasons, "season = @season", [RawSeasonRow.For(load, seasonRow)]),
        ], parameters, $"raw season {season.Season}" + (load.Dates is { } d ? $" {d}" : ""), ct);
    }

    /// <summary>
    /// Output and failures in one transaction. The failure re-run semantics (<see cref="FailureReplacement"/>) run in
    /// the script itself, against the rows as they are inside the transaction: a merge computed from an earlier read
    /// would drop the failures or RESOLVED marks that another writer committed in between.
    /// </summary>
    public async Task ReplaceOutputAsync(ProcessorResult result, DateTimeOffset now, CancellationToken ct)
    {
        if (result.Dates.Count == 0) return;
        var table = result.Table;
        var failures = TableCatalog.FailuresOf(result.Processor);
        var keys = result.Rows.Select(r => (ITableRow)new EntityKeyRow(r.Date, r.EntityId)).Distinct().ToList();
        var parameters = new JsonArray
        {
            BigQueryValues.ArrayParameter("dates", ColumnType.Date, result.Dates),
            BigQueryValues.Parameter("processor", ColumnType.String, result.Processor.ToString()),
            BigQueryValues.Parameter("resolved", ColumnType.String, ResolutionStatus.Resolved),
            BigQueryValues.Parameter("now", ColumnType.Timestamp, now),
        };
        await RunStagedScriptAsync(
            [new Stage(table, result.Rows), new Stage(failures, result.Failures), new Stage(EntityKeyRow.Schema, keys)],
            [table.Name, failures.Name],
            staged =>
            {
                var (rows, fresh, withRows) = (staged[0], staged[1], staged[2]);
                var open = "t.processor_name = @processor AND t.analysis_date IN UNNEST(@dates) AND t.resolution_status <> @resolved";
                var same = string.Join(" AND ", failures.Columns.Take(FailureRecord.SubstanceColumns)
                    .Select(c => c.Nullable ? $"s.{c.Name} IS NOT DISTINCT FROM t.{c.Name}" : $"s.{c.Name} = t.{c.Name}"));
                var noFresh = fresh is null ? "TRUE" : $"NOT EXISTS (SELECT 1 FROM {RefOf(fresh)} AS s WHERE {same})";
                var sql = new StringBuilder();
                sql.Append(CultureInfo.InvariantCulture, $"DELETE FROM {Ref(table)} WHERE {table.PartitionColumn} IN UNNEST(@dates);\n");
                if (rows is not null) sql.Append(CultureInfo.InvariantCulture, $"INSERT INTO {Ref(table)} ({Columns(table)}) SELECT {Columns(table)} FROM {RefOf(rows)};\n");
                // An old failure whose entity now has a row is RESOLVED (kept, marked) ...
                if (withRows is not null)
                {
                    sql.Append(CultureInfo.InvariantCulture,
                        $"UPDATE {Ref(failures)} AS t SET resolution_status = @resolved, resolved_at = @now WHERE {open} AND {noFresh} " +
                        $"AND EXISTS (SELECT 1 FROM {RefOf(withRows)} AS k WHERE k.analysis_date = t.analysis_date AND k.entity_id = t.entity_id);\n");
                }
                // ... any other old failure that this run did not find again goes ...
                sql.Append(CultureInfo.InvariantCulture, $"DELETE FROM {Ref(failures)} AS t WHERE {open} AND {noFresh};\n");
                // ... and a fresh one is added unless the same failure is already there (re-runs stay byte-identical).
                if (fresh is not null)
                {
                    sql.Append(CultureInfo.InvariantCulture,
                        $"INSERT INTO {Ref(failures)} ({Columns(failures)}) SELECT {Columns(failures)} FROM {RefOf(fresh)} AS s " +
                        $"WHERE NOT EXISTS (SELECT 1 FROM {Ref(failures)} AS t WHERE {open} AND {same});\n");
                }
                return sql.ToString();
            },
            parameters, $"{result.Processor} output ({result.Dates.Count} dates) into {table.Name}", ct);
    }

    /// <summary>The (date, entity) pairs that have an output row: what resolves an old failure, staged for the script.</summary>
    private sealed record EntityKeyRow(DateOnly AnalysisDate, string EntityId) : ITableRow
    {
        public static TableSchema Schema { get; } = new("entity_keys", [new Column("analysis_date", ColumnType.Date), new Column("entity_id", ColumnType.String)],
            Key: ["analysis_date", "entity_id"], PartitionColumn: null, Clustering: []);

        public object?[] ToValues() => [AnalysisDate, EntityId];
    }

    public Task UpsertAsync(TableSchema table, IReadOnlyList<ITableRow> rows, CancellationToken ct)
    {
        if (rows.Count == 0) return Task.CompletedTask;
        var match = string.Join(" AND ", table.Key.Select(k => $"s.{k} = t.{k}"));
        return ReplaceAsync([new Replacement(table, $"EXISTS (SELECT 1 FROM @staging AS s WHERE {match})", rows, Alias: "t")], [],
            $"upsert {table.Name}", ct);
    }

    public async Task<int> DeleteFailuresAsync(ProcessorId processor, DateOnly date, string entityId, CancellationToken ct)
    {
        var table = TableCatalog.FailuresOf(processor);
        var result = await _client.QueryAsync(
            $"DELETE FROM {Ref(table)} WHERE processor_name = @processor AND analysis_date = @date AND entity_id = @entity",
            [
                BigQueryValues.Parameter("processor", ColumnType.String, processor.ToString()),
                BigQueryValues.Parameter("date", ColumnType.Date, date),
                BigQueryValues.Parameter("entity", ColumnType.String, entityId),
            ], $"delete failures from {table.Name}", ct);
        return (int)(result.DmlAffectedRows ?? 0);
    }

    public ValueTask DisposeAsync()
    {
        _ownedHttp?.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>What one transaction replaces in one table: the rows matching <c>Where</c> become <c>Rows</c>.</summary>
    private sealed record Replacement(TableSchema Table, string Where, IEnumerable<ITableRow> Rows, string? Alias = null);

    /// <summary>Rows to load into a staging table before the transaction (none: no staging table).</summary>
    private sealed record Stage(TableSchema Table, IEnumerable<ITableRow> Rows);

    /// <summary>One DELETE (+ INSERT of the staged rows) per replacement, in one transaction.</summary>
    private Task ReplaceAsync(IReadOnlyList<Replacement> replacements, JsonArray parameters, string subject, CancellationToken ct) =>
        RunStagedScriptAsync(replacements.Select(r => new Stage(r.Table, r.Rows)).ToList(), replacements.Select(r => r.Table.Name).ToList(),
            staged =>
            {
                var script = new StringBuilder();
                for (var i = 0; i < replacements.Count; i++)
                {
                    var replacement = replacements[i];
                    var table = replacement.Table;
                    var where = replacement.Where.Replace("@staging", staged[i] is { } s ? RefOf(s) : "", StringComparison.Ordinal);
                    script.Append(CultureInfo.InvariantCulture, $"DELETE FROM {Ref(table)}{(replacement.Alias is { } a ? $" AS {a}" : "")} WHERE {where};\n");
                    if (staged[i] is { } staging)
                    {
                        script.Append(CultureInfo.InvariantCulture, $"INSERT INTO {Ref(table)} ({Columns(table)}) SELECT {Columns(table)} FROM {RefOf(staging)};\n");
                    }
                }
                return script.ToString();
            }, parameters, subject, ct);

    /// <summary>
    /// Stages each stage's rows (load jobs run side by side), then runs the statements as one transaction while
    /// holding this process's turn on every table it mutates. Staging tables are dropped afterwards and expire on
    /// their own if a crash leaves one behind.
    /// </summary>
    private async Task RunStagedScriptAsync(IReadOnlyList<Stage> stages, IReadOnlyList<string> mutated,
        Func<IReadOnlyList<string?>, string> statements, JsonArray parameters, string subject, CancellationToken ct)
    {
        var materialised = stages.Select(x => (x.Table, Rows: x.Rows as IReadOnlyList<ITableRow> ?? x.Rows.ToList())).ToList();
        var staged = await Task.WhenAll(materialised.Select(async x => x.Rows.Count == 0 ? null : await StageAsync(x.Table, x.Rows, subject, ct)));
        try
        {
            var script = "BEGIN TRANSACTION;\n" + statements(staged) + "COMMIT TRANSACTION;";
            var turns = mutated.Distinct().Order(StringComparer.Ordinal).Select(t => _tableTurns.GetOrAdd(t, _ => new SemaphoreSlim(1, 1))).ToList();
            var held = 0;
            try
            {
                // In name order, so no two writers wait on each other.
                for (; held < turns.Count; held++) await turns[held].WaitAsync(ct);
                await _client.RunScriptAsync(script, parameters, subject, ct);
            }
            finally
            {
                for (var i = 0; i < held; i++) turns[i].Release();
            }
        }
        finally
        {
            await DropStagingAsync(staged.OfType<string>());
        }
    }

    private async Task DropStagingAsync(IEnumerable<string> tables)
    {
        foreach (var staging in tables)
        {
            try
            {
                await _client.DeleteTableAsync(staging, CancellationToken.None);
            }
            catch (Exception e) when (e is WarehouseException or TransientWarehouseException)
            {
                // It expires by itself (StagingExpiration); a failed cleanup must not fail the write.
            }
        }
    }

    private async Task<string> StageAsync(TableSchema table, IReadOnlyList<ITableRow> rows, string subject, CancellationToken ct)
    {
        var name = BigQueryRestClient.NewId($"_staging_{table.Name}");
        // Same fields; no partitioning or clustering: the staging table is read once, whole.
        var resource = BigQuerySchemas.TableResource(_client.Options.Project, _client.Options.Dataset,
            table with { Name = name, PartitionColumn = null, Clustering = [] });
        resource["expirationTime"] = (_time.GetUtcNow() + _client.Options.StagingExpiration).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        await _client.CreateTableAsync(resource, ct);
        try
        {
            var first = true;
            foreach (var chunk in BigQueryValues.ToNdjsonChunks(table, rows, _client.Options.UploadChunkBytes))
            {
                await _client.LoadAsync(name, chunk, truncate: first, $"{subject}: staging {rows.Count} rows of {table.Name}", ct);
                first = false;
            }
            return name;
        }
        catch
        {
            await DropStagingAsync([name]);
            throw;
        }
    }

    private async Task<IReadOnlyList<T>> SelectAsync<T>(
        TableSchema table, IReadOnlyList<string> columns, string sql, JsonArray parameters, Func<Row, T> map, CancellationToken ct)
    {
        var indexes = columns.Select(table.IndexOf).ToArray();
        var result = await _client.QueryAsync(sql, parameters, $"read {table.Name}", ct);
        var rows = new List<T>(result.Rows.Count);
        foreach (var cells in result.Rows)
        {
            var values = new object?[table.Columns.Count];
            for (var i = 0; i < indexes.Length; i++)
            {
                values[indexes[i]] = BigQueryValues.FromCell(cells[i], table.Columns[indexes[i]].Type);
            }
            rows.Add(map(new Row(values)));
        }
        return rows;
    }

    private static JsonArray RangeParameters(DateRange range) =>
    [
        BigQueryValues.Parameter("from", ColumnType.Date, range.From),
        BigQueryValues.Parameter("to", ColumnType.Date, range.To),
    ];

    private string Ref(TableSchema table) => RefOf(table.Name);

    private string RefOf(string table) => $"`{_client.Options.Project}.{_client.Options.Dataset}.{table}`";

    private static string Columns(TableSchema table) => string.Join(", ", table.ColumnNames);
}
