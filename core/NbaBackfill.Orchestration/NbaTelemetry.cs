using System.Diagnostics;
using System.Diagnostics.Metrics;
using NbaBackfill.Calendar;
using NbaBackfill.Processors;
using NbaBackfill.Tables;
using NbaBackfill.Warehouse;

namespace NbaBackfill.Orchestration;

/// <summary>
/// The product's one ActivitySource and one Meter ("NbaBackfill"). Spans: backfill.run (the runner) → backfill.wave →
/// backfill.activity → warehouse.* . The orchestrator replays, so it cannot hold a span open across awaits: wave,
/// activity and warehouse spans are emitted once, when a wave completes live, with the start and end times the
/// activities measured (the same times on every host).
/// </summary>
public static class NbaTelemetry
{
    public const string Name = "NbaBackfill";

    public static ActivitySource Source { get; } = new(Name);

    public static Meter Meter { get; } = new(Name);

    public static Counter<long> NodesComputed { get; } = Meter.CreateCounter<long>("nba.nodes.computed", "{node}", "nodes computed, by processor");

    public static Counter<long> NodesSkipped { get; } = Meter.CreateCounter<long>("nba.nodes.skipped", "{node}", "nodes a resumed run did not compute again, by processor");

    public static Counter<long> NodesFailed { get; } = Meter.CreateCounter<long>("nba.nodes.failed", "{node}", "nodes that failed after their retries, by processor");

    public static Counter<long> Failures { get; } = Meter.CreateCounter<long>("nba.failures.written", "{record}", "failure records written, by processor and category");

    public static Counter<long> RowsWritten { get; } = Meter.CreateCounter<long>("nba.rows.written", "{row}", "output rows written, by processor");

    public static Counter<long> Retries { get; } = Meter.CreateCounter<long>("nba.retries", "{attempt}", "activity attempts after the first, by processor");

    public static Histogram<double> WarehouseCallDuration { get; } =
        Meter.CreateHistogram<double>("nba.warehouse.call.duration", "ms", "warehouse call latency, by operation and table");

    /// <summary>Emits a finished span with the given times (no-op when nobody listens).</summary>
    internal static Activity? Emit(string name, ActivityContext parent, DateTime start, DateTime end, IEnumerable<KeyValuePair<string, object?>> tags,
        string? error = null)
    {
        var activity = Source.StartActivity(name, ActivityKind.Internal, parent, tags, startTime: new DateTimeOffset(DateTime.SpecifyKind(start, DateTimeKind.Utc)));
        if (activity is null) return null;
        if (error is not null) activity.SetStatus(ActivityStatusCode.Error, error);
        activity.SetEndTime(DateTime.SpecifyKind(end, DateTimeKind.Utc));
        activity.Stop();
        return activity;
    }

    internal static ActivityContext Parse(string? traceParent) =>
        traceParent is not null && ActivityContext.TryParse(traceParent, null, out var context) ? context : default;
}

/// <summary>One warehouse call of an activity, measured where it ran and emitted as a span by the orchestrator.</summary>
public sealed record WarehouseCall(string Operation, string Table, int Rows, DateTime StartedAt, DateTime CompletedAt, string[]? Jobs = null);

/// <summary>Measures the calls an activity makes (latency histogram live; the list becomes spans at wave end).</summary>
internal sealed class RecordingWarehouse(IWarehouse inner, TimeProvider time) : DelegatingWarehouse(inner)
{
    private readonly List<WarehouseCall> _calls = [];

    public IReadOnlyList<WarehouseCall> Calls
    {
        get { lock (_calls) return _calls.ToList(); }
    }

    private async Task<T> MeasureAsync<T>(string operation, string table, Func<Task<T>> call, Func<T, int> rows)
    {
        var start = time.GetUtcNow();
        var jobs = WarehouseJobs.Collect();
        var result = await call();
        string[] ran;
        lock (jobs) ran = jobs.ToArray();
        Record(operation, table, rows(result), start, time.GetUtcNow(), ran.Length > 0 ? ran : null);
        return result;
    }

    /// <summary>One call: its latency now, its span when the wave completes.</summary>
    private void Record(string operation, string table, int rows, DateTimeOffset start, DateTimeOffset end, string[]? jobs = null)
    {
        NbaTelemetry.WarehouseCallDuration.Record((end - start).TotalMilliseconds,
            new KeyValuePair<string, object?>("operation", operation), new KeyValuePair<string, object?>("table", table));
        lock (_calls) _calls.Add(new WarehouseCall(operation, table, rows, start.UtcDateTime, end.UtcDateTime, jobs));
    }

    public override Task<IReadOnlyList<T>> ReadAsync<T>(TableSchema table, DateRange range, Func<Row, T> map, CancellationToken ct) =>
        MeasureAsync("read", table.Name, () => base.ReadAsync(table, range, map, ct), r => r.Count);

    public override Task<IReadOnlyList<TRow>> ReadRowsAsync<TRow>(TableSchema<TRow> table, DateRange range, CancellationToken ct) =>
        MeasureAsync("read", table.Schema.Name, () => base.ReadRowsAsync(table, range, ct), r => r.Count);

    public override Task<IReadOnlyList<T>> ReadProjectedAsync<T>(TableSchema table, DateRange range, IReadOnlyList<string> columns, bool distinct, Func<Row, T> map, CancellationToken ct) =>
        MeasureAsync("read", table.Name, () => base.ReadProjectedAsync(table, range, columns, distinct, map, ct), r => r.Count);

    public override Task<IReadOnlyList<(DateOnly Date, string Entity)>> ReadKeysAsync(TableSchema table, DateRange range, string entityColumn, bool distinct, CancellationToken ct) =>
        MeasureAsync("read", table.Name, () => base.ReadKeysAsync(table, range, entityColumn, distinct, ct), r => r.Count);

    public override Task<IReadOnlyList<(DateOnly Date, string Entity)>> ReadUnresolvedFailureKeysAsync(TableSchema failures, ProcessorId processor, DateRange range, CancellationToken ct) =>
        MeasureAsync("read", failures.Name, () => base.ReadUnresolvedFailureKeysAsync(failures, processor, range, ct), r => r.Count);

    public override Task<IReadOnlyList<Failures.FailureRecord>> ReadUnresolvedFailuresAsync(ProcessorId processor, DateRange range, CancellationToken ct) =>
        MeasureAsync("read", TableCatalog.FailuresOf(processor).Name, () => base.ReadUnresolvedFailuresAsync(processor, range, ct), r => r.Count);

    public override Task<IReadOnlyList<object?[]>> ReadWhereAsync(TableSchema table, string column, object value, DateRange within, CancellationToken ct) =>
        MeasureAsync("read", table.Name, () => base.ReadWhereAsync(table, column, value, within, ct), r => r.Count);

    public override Task ReplaceOutputAsync(ProcessorResult result, DateTimeOffset now, CancellationToken ct) =>
        MeasureAsync("replace", result.Table.Name, async () => { await base.ReplaceOutputAsync(result, now, ct); return result.Rows.Count + result.Failures.Count; }, n => n);

    /// <summary>One call, measured as the replace; each upsert it made is recorded too, timed from when its rows were ready.</summary>
    public override async Task ReplaceOutputAsync(ProcessorResult result, DateTimeOffset now, Func<Task<IReadOnlyList<TableRows>>> then, CancellationToken ct)
    {
        IReadOnlyList<TableRows> upserts = [];
        var ready = default(DateTimeOffset);
        await MeasureAsync("replace", result.Table.Name, async () =>
        {
            await Inner.ReplaceOutputAsync(result, now, async () =>
            {
                upserts = await then();
                ready = time.GetUtcNow();
                return upserts;
            }, ct);
            return result.Rows.Count + result.Failures.Count;
        }, n => n);
        var done = time.GetUtcNow();
        foreach (var u in upserts.Where(u => u.Rows.Count > 0)) Record("upsert", u.Table.Name, u.Rows.Count, ready, done);
    }

    public override Task UpsertAsync(TableSchema table, IReadOnlyList<ITableRow> rows, CancellationToken ct) =>
        MeasureAsync("upsert", table.Name, async () => { await base.UpsertAsync(table, rows, ct); return rows.Count; }, n => n);

    // The recorded warehouse belongs to the activity's host.
    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>The spans and node metrics of one completed wave (called by the orchestrator when not replaying).</summary>
internal static class WaveTelemetry
{
    public static void Emit(BackfillInput input, Planning.BackfillPlan plan, int wave, DateTime start, DateTime end,
        IReadOnlyList<(Planning.Batch Batch, Planning.NodeOutcome[]? Outcomes, string? Error, BatchOutput? Output)> results)
    {
        foreach (var (batch, outcomes, _, _) in results)
        {
            var processor = new KeyValuePair<string, object?>("processor", batch.Processor.ToString());
            if (outcomes is null) NbaTelemetry.NodesFailed.Add(batch.Nodes.Length, processor);
            else NbaTelemetry.NodesComputed.Add(outcomes.Count(o => o.Succeeded), processor);
        }
        var waveSpan = NbaTelemetry.Emit("backfill.wave", NbaTelemetry.Parse(input.TraceParent), start, end,
        [
            new("nba.run_id", input.RunId), new("nba.wave", wave), new("nba.activities", results.Count),
        ]);
        if (waveSpan is null) return;
        foreach (var (batch, outcomes, error, output) in results)
        {
            var dates = batch.Nodes.Select(i => plan.Nodes[i].Date).ToList();
            var activity = NbaTelemetry.Emit("backfill.activity", waveSpan.Context,
                output?.StartedAt is { } s && s != default ? s : start, output?.CompletedAt is { } e && e != default ? e : end,
                [
                    new("nba.run_id", input.RunId), new("nba.processor", batch.Processor.ToString()),
                    new("nba.date_from", Calendar.DateRange.Format(dates.Min())), new("nba.date_to", Calendar.DateRange.Format(dates.Max())),
                    new("nba.nodes", batch.Nodes.Length), new("nba.rows", outcomes?.Sum(o => o.Rows) ?? 0),
                    new("nba.failures", outcomes?.Sum(o => o.Failures) ?? 0), new("nba.attempt", output?.Attempt ?? 0),
                ], error);
            if (activity is null) continue;
            foreach (var call in output?.Calls ?? [])
            {
                NbaTelemetry.Emit("warehouse." + call.Operation, activity.Context, call.StartedAt, call.CompletedAt,
                    [new("db.collection.name", call.Table), new("nba.rows", call.Rows), new("bigquery.job_ids", call.Jobs is { } j ? string.Join(",", j) : null)]);
            }
        }
    }
}
