using NbaBackfill.Calendar;
using NbaBackfill.Failures;
using NbaBackfill.Processors;
using NbaBackfill.Raw;
using NbaBackfill.Tables;

namespace NbaBackfill.TestSupport;

/// <summary>
/// A warehouse reader over in-memory rows, with the same replace semantics as the real adapters: lets the pure
/// processors run over the real season in milliseconds.
/// </summary>
public sealed class InMemoryWarehouse : IWarehouseReader
{
    private readonly Dictionary<string, List<object?[]>> _tables = new(StringComparer.Ordinal);
    private readonly HashSet<string> _seasonsWithZones = new(StringComparer.Ordinal);

    public static InMemoryWarehouse Of(RawSeason season)
    {
        var w = new InMemoryWarehouse();
        w.LoadRaw(season);
        return w;
    }

    public void LoadRaw(RawSeason season)
    {
        Set(TableCatalog.RawTeams, season.Teams);
        Set(TableCatalog.RawGames, season.Games);
        Set(TableCatalog.RawBoxScores, season.BoxScores);
        Set(TableCatalog.RawShotZones, season.ShotZones ?? []);
        Set(TableCatalog.RawRejects, season.Rejects);
        if (season.HasShotZones) _seasonsWithZones.Add(season.Season);
    }

    /// <summary>Another season beside those loaded (seasons never share a date or a game).</summary>
    public void AddRaw(RawSeason season)
    {
        foreach (var (table, rows) in new (TableSchema, IEnumerable<ITableRow>)[]
                 {
                     (TableCatalog.RawGames, season.Games), (TableCatalog.RawBoxScores, season.BoxScores),
                     (TableCatalog.RawShotZones, season.ShotZones ?? []), (TableCatalog.RawRejects, season.Rejects),
                 })
        {
            Rows(table).AddRange(rows.Select(r => r.ToValues()));
        }
        if (season.HasShotZones) _seasonsWithZones.Add(season.Season);
    }

    public void Set(TableSchema table, IEnumerable<ITableRow> rows) => _tables[table.Name] = rows.Select(r => r.ToValues()).ToList();

    public List<object?[]> Rows(TableSchema table) =>
        _tables.TryGetValue(table.Name, out var rows) ? rows : _tables[table.Name] = [];

    /// <summary>Partition replace of one processor result, with the failure re-run semantics.</summary>
    public void Apply(ProcessorResult result, DateTimeOffset now)
    {
        var dates = result.Dates.ToHashSet();
        var table = result.Table;
        var dateIndex = table.IndexOf(table.PartitionColumn!);
        var rows = Rows(table);
        rows.RemoveAll(r => dates.Contains((DateOnly)r[dateIndex]!));
        rows.AddRange(result.Rows.Select(r => r.ToValues()));

        var failureTable = TableCatalog.FailuresOf(result.Processor);
        var failures = Rows(failureTable);
        bool Mine(object?[] r) => (string)r[0]! == result.Processor.ToString() && dates.Contains((DateOnly)r[1]!)
            && (string)r[14]! != ResolutionStatus.Resolved;
        var existing = failures.Where(Mine).Select(r => FailureRecord.From(new Row(r))).ToList();
        failures.RemoveAll(Mine);
        var merged = FailureReplacement.Merge(existing, result.Failures, result.Rows.Select(r => (r.Date, r.EntityId)).ToHashSet(), now);
        failures.AddRange(merged.Select(f => f.ToValues()));
    }

    public Task<IReadOnlyList<T>> ReadAsync<T>(TableSchema table, DateRange range, Func<Row, T> map, CancellationToken ct)
    {
        // The schema's columns by name from the stored table, as a warehouse's SELECT of them gives them (a schema may
        // declare only some of a table's columns: the planning calendar's box-score keys).
        var stored = TableCatalog.All.FirstOrDefault(t => t.Name == table.Name) ?? table;
        var index = stored.IndexOf(table.PartitionColumn!);
        var positions = table.ColumnNames.Select(stored.IndexOf).ToArray();
        var whole = positions.SequenceEqual(Enumerable.Range(0, stored.Columns.Count));
        IReadOnlyList<T> result = Rows(table)
            .Where(r => r[index] is DateOnly d && range.Contains(d))
            .Select(r => map(new Row(whole ? r : [.. positions.Select(p => r[p])]))).ToList();
        return Task.FromResult(result);
    }

    public async Task<IReadOnlyList<T>> ReadProjectedAsync<T>(
        TableSchema table, DateRange range, IReadOnlyList<string> columns, bool distinct, Func<Row, T> map, CancellationToken ct)
    {
        var rows = await ReadAsync(table, range, map, ct);
        return distinct ? rows.Distinct().ToList() : rows;
    }

    public Task<IReadOnlySet<string>> ReadSeasonsWithShotZonesAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlySet<string>>(_seasonsWithZones);

    public Task<IReadOnlyList<FailureRecord>> ReadUnresolvedFailuresAsync(ProcessorId processor, DateRange range, CancellationToken ct)
    {
        IReadOnlyList<FailureRecord> result = Rows(TableCatalog.FailuresOf(processor))
            .Select(r => FailureRecord.From(new Row(r)))
            .Where(f => f.ProcessorName == processor && range.Contains(f.AnalysisDate) && f.IsUnresolved).ToList();
        return Task.FromResult(result);
    }

    /// <summary>Runs processors in DAG order over the range, applying each result.</summary>
    public async Task<IReadOnlyDictionary<ProcessorId, ProcessorResult>> RunAllAsync(
        DateRange range, RunStamp stamp, IEnumerable<ProcessorId>? processors = null)
    {
        var results = new Dictionary<ProcessorId, ProcessorResult>();
        foreach (var p in processors ?? ProcessorIds.All)
        {
            var result = await ProcessorRunner.ComputeAsync(p, this, range, stamp, CancellationToken.None);
            Apply(result, stamp.CreatedAt);
            results[p] = result;
        }
        return results;
    }
}
