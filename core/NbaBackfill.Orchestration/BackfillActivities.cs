using System.Globalization;
using System.Text.Json;
using NbaBackfill.Calendar;
using NbaBackfill.Failures;
using NbaBackfill.Planning;
using NbaBackfill.Processors;
using NbaBackfill.Raw;
using NbaBackfill.Reconciliation;
using NbaBackfill.Tables;
using Microsoft.Extensions.Logging;
using NbaBackfill.Versions;
using NbaBackfill.Warehouse;

namespace NbaBackfill.Orchestration;

/// <summary>
/// The activities: thin, idempotent calls into the core. Each may run more than once (at-least-once delivery), so
/// each write is a partition replace or an upsert by key.
/// </summary>
public sealed partial class BackfillActivities(
    IWarehouse warehouse, TimeProvider time, IRunReportSink? reports = null, ILogger<BackfillActivities>? log = null, CodeVersions? code = null)
{
    private readonly CodeVersions _code = code ?? CodeVersions.Declared;

    [LoggerMessage(Level = LogLevel.Information, Message = "{Processor} {Dates}: {Rows} rows, {Failures} failures (attempt {Attempt}, {Milliseconds:F0} ms)")]
    private static partial void LogBatch(ILogger logger, ProcessorId processor, string dates, int rows, int failures, int attempt, double milliseconds);

    /// <summary>Reads the calendar and what already exists, plans, and records the run and its pending nodes.</summary>
    public async Task<PlanOutput> PlanAsync(PlanInput input, CancellationToken ct = default)
    {
        var (plan, versions) = await PlanWithVersionsAsync(warehouse, input.Request, _code, ct);
        // Resume only a run that never finished; a finished run started again (same id) is a fresh attempt.
        var run = (await warehouse.ReadWhereAsync(TableCatalog.BackfillRuns, "run_id", input.RunId, ct)).Select(r => RunRow.From(new Row(r))).SingleOrDefault();
        var previous = run is { Status: RunStatus.Running }
            ? (await warehouse.ReadWhereAsync(TableCatalog.BackfillStatus, "run_id", input.RunId, run.StatusDates, ct)).Select(r => StatusRow.From(new Row(r))).ToList()
            : [];
        var succeeded = previous.Where(s => s.Status is NodeStatus.Succeeded or NodeStatus.Fresh)
            .Select(s => plan.IndexOf(ProcessorIds.Parse(s.Processor), s.TargetDate)).Where(i => i >= 0).ToHashSet();
        var fresh = StalePlanning.FreshAtStart(plan, (p, d) => versions.Reasons(p, d).Count > 0).Where(i => !succeeded.Contains(i)).ToHashSet();
        var started = new DateTimeOffset(input.StartedAt, TimeSpan.Zero);
        await warehouse.UpsertAsync(TableCatalog.BackfillRuns, [RunRowOf(input.RunId, input.Request, input.Engine, plan.Refused ? RunStatus.Refused : RunStatus.Running, started, null, null)], ct);
        if (!plan.Refused)
        {
            var pending = plan.Nodes.Select((n, i) => (n, i)).Where(x => !succeeded.Contains(x.i))
                .Select(x => (ITableRow)new StatusRow(input.RunId, x.n.Processor.ToString(), x.n.Date, fresh.Contains(x.i) ? NodeStatus.Fresh : NodeStatus.Pending,
                    null, 0, null, null, 0, 0)).ToList();
            await warehouse.UpsertAsync(TableCatalog.BackfillStatus, pending, ct);
        }
        return new PlanOutput(PackedCheckpoint.Pack(plan), succeeded.Order().ToArray(), fresh.Order().ToArray());
    }

    /// <summary>The plan and the version context it was planned from (one read of the calendar serves both).</summary>
    public static async Task<(BackfillPlan Plan, VersionContext Versions)> PlanWithVersionsAsync(
        IWarehouse warehouse, BackfillRequest request, CodeVersions code, CancellationToken ct)
    {
        var versions = await VersionContext.ReadAsync(warehouse, new DateRange(request.From, request.To), code, ct);
        // Pre-flight skipped: the planner never asks what exists, so it is not read. Otherwise it asks about the nodes
        // it needs but does not plan, all within the history the versions were read over: usually only lookback nodes
        // before the range (a whole-DAG backfill or daily run plans every node it needs inside it), and of few processors
        // (PGS, for every lookback of this pipeline). A node with a version row was processed (its rows or failures were
        // written in the version's transaction), as staleness already trusts: a daily run's history needs no read. For
        // the rest the plan is made first with what it asks before the range taken as there, then those processors'
        // nodes are read (only theirs, only before the range) and it is made again, until it asks about no processor not
        // yet read. A plan that asked about a node inside the range (a subset of processors, a retry's nodes) is made
        // again from the whole history.
        if (request.Preflight == PreflightMode.Skip) return (BackfillPlanner.Plan(request, versions.Calendar, (_, _) => false), versions);
        var history = versions.History;
        var read = new HashSet<ProcessorId>();
        var before = new HashSet<(ProcessorId, DateOnly)>();
        while (true)
        {
            var (askedInRange, unread) = (false, new HashSet<ProcessorId>());
            var plan = BackfillPlanner.Plan(request, versions.Calendar, (p, d) =>
            {
                if (d >= request.From) askedInRange = true;
                else if (versions.Recorded(p, d) is not null) return true;
                else if (!read.Contains(p)) unread.Add(p);
                return d < request.From && (!read.Contains(p) || before.Contains((p, d)));
            });
            if (askedInRange)
            {
                var processed = await warehouse.ReadProcessedNodesAsync(history, ProcessorIds.All, ct);
                return (BackfillPlanner.Plan(request, versions.Calendar, (p, d) => processed.Contains((p, d))), versions);
            }
            if (unread.Count == 0) return (plan, versions);
            before.UnionWith(await warehouse.ReadProcessedNodesAsync(new DateRange(history.From, request.From.AddDays(-1)), unread, ct));
            read.UnionWith(unread);
        }
    }

    /// <summary>The plan alone (dry run): no writes.</summary>
    public static async Task<BackfillPlan> PlanOnlyAsync(IWarehouse warehouse, BackfillRequest request, CancellationToken ct) =>
        (await PreviewAsync(warehouse, request, ct)).Plan;

    /// <summary>The plan and the bootstrap failures it should produce (PSZA/TDZA minimums), for dry runs.</summary>
    public static async Task<(BackfillPlan Plan, IReadOnlyDictionary<Processors.ProcessorId, int> BootstrapSkips)> PreviewAsync(
        IWarehouse warehouse, BackfillRequest request, CancellationToken ct)
    {
        var (plan, versions) = await PlanWithVersionsAsync(warehouse, request, CodeVersions.Declared, ct);
        return (plan, BootstrapForecast.Count(plan, versions.Calendar, versions.Games));
    }

    public async Task<BatchOutput> ProcessBatchAsync(BatchInput input, CancellationToken ct = default)
    {
        var started = time.GetUtcNow();
        // Every call of the batch is measured: the latency metric now, its spans when the wave completes.
        var recorded = new RecordingWarehouse(warehouse, time);
        using var scope = log?.BeginScope(new Dictionary<string, object> { ["RunId"] = input.RunId, ["InstanceId"] = input.RunId, ["Processor"] = input.Processor.ToString() });
        var range = new DateRange(input.Dates[0], input.Dates[^1]);
        // The run's earlier statuses of these nodes are read and their 'running' rows written while the processor reads
        // and computes (neither looks at them), and before anything the batch writes: a crash after that write still
        // finds them.
        // (On the pool: DuckDB answers both on the caller's thread, which would put them before the compute again.)
        var marking = Task.Run(() => MarkRunningAsync(input, range, started, recorded, ct), ct);
        var (marked, previous) = (input, new Dictionary<DateOnly, StatusRow>());
        Dictionary<DateOnly, int> rows = [], failures = [];
        // Succeeded rows are written with the output, before the node versions: once a node looks fresh, its status
        // already says so. (The output waits for the marking, so its attempt is known by then.)
        TableRows SucceededRows(ProcessorResult computed, IReadOnlyList<DateOnly> computedDates)
        {
            rows = CountsByDate(computed.Rows.Select(r => r.Date));
            failures = CountsByDate(computed.Failures.Select(f => f.AnalysisDate));
            return new TableRows(TableCatalog.BackfillStatus, StatusRowsOf(marked, computedDates.Where(input.Dates.Contains)
                .Select(d => (d, NodeStatus.Succeeded, (string?)null, rows.GetValueOrDefault(d), failures.GetValueOrDefault(d))), started, time.GetUtcNow()));
        }
#pragma warning disable VSTHRD003 // 'marking' was started by this activity above (a worker thread, no synchronization context to deadlock on)
        async Task MarkedAsync() => (marked, previous) = await marking;
#pragma warning restore VSTHRD003
        // Fresh nodes (downstream of a recomputed node whose output came out identical) are found here and skipped.
        VersionedRun run;
        try
        {
            run = await ProcessorRunner.RunVersionedAsync(input.Processor, recorded, input.Dates, new RunStamp(input.RunId, started), _code, input.Force, ct, SucceededRows, MarkedAsync);
        }
        catch
        {
            // Never leave the 'running' write behind: landing after the failure is recorded, it would overwrite it.
            try
            {
                await MarkedAsync();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The processor's exception is the one to report (the retry writes the rows again).
            }
            throw;
        }
        await MarkedAsync();
        input = marked;
        var result = run.Result;
        // A fresh node this run already computed (a redelivered activity) stays succeeded, with its counts.
        var done = run.Fresh.Where(d => previous.GetValueOrDefault(d) is { Status: NodeStatus.Succeeded }).ToDictionary(d => d, d => previous[d]);
        var fresh = run.Fresh.Where(d => !done.ContainsKey(d)).ToHashSet();
        foreach (var (d, s) in done)
        {
            rows[d] = s.RowsWritten;
            failures[d] = s.FailuresWritten;
        }
        var outcomes = input.Dates.Select((d, i) => new NodeOutcome(input.Nodes[i], true, rows.GetValueOrDefault(d), failures.GetValueOrDefault(d), null, fresh.Contains(d))).ToArray();
        await WriteStatusAsync(input, input.Dates.Where(d => fresh.Contains(d) || done.ContainsKey(d))
            .Select(d => (d, fresh.Contains(d) ? NodeStatus.Fresh : NodeStatus.Succeeded, (string?)null, rows.GetValueOrDefault(d), failures.GetValueOrDefault(d))), started, time.GetUtcNow(), ct, recorded);
        var processor = new KeyValuePair<string, object?>("processor", input.Processor.ToString());
        NbaTelemetry.RowsWritten.Add(result.Rows.Count, processor);
        foreach (var g in result.Failures.GroupBy(f => f.FailureCategory)) NbaTelemetry.Failures.Add(g.Count(), processor, new("category", g.Key));
        if (input.Attempt > 1) NbaTelemetry.Retries.Add(1, processor);
        var completed = time.GetUtcNow();
        if (log is not null) LogBatch(log, input.Processor, range.ToString(), result.Rows.Count, result.Failures.Count, input.Attempt, (completed - started).TotalMilliseconds);
        return new BatchOutput(outcomes, input.Attempt, started.UtcDateTime, completed.UtcDateTime, recorded.Calls.ToArray());
    }

    /// <summary>
    /// A node that failed or is blocked: its rows are replaced by one failure per expected entity (never a lone
    /// date-level row), so reconciliation still accounts for every entity.
    /// </summary>
    public async Task<int> RecordNodeFailuresAsync(NodeFailuresInput input, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var written = 0;
        var statuses = new List<ITableRow>();
        var versions = new List<ITableRow>();
        foreach (var node in input.Nodes)
        {
            var recorder = new FailureRecorder(node.Processor, new RunStamp(input.RunId, now));
            var population = await ProcessorRegistry.Default.Of(node.Processor).Population.Read(warehouse, DateRange.Single(node.Date), ct);
            foreach (var (date, entity, type) in population)
            {
                if (node.Category == FailureCategory.MissingDependencies) recorder.MissingDependencies(date, entity, type, node.Reason);
                else recorder.ProcessingError(date, entity, type, node.Reason);
            }
            await warehouse.ReplaceOutputAsync(new ProcessorResult(node.Processor, [node.Date], [], recorder.Records), now, ct);
            written += recorder.Records.Count;
            statuses.Add(new StatusRow(input.RunId, node.Processor.ToString(), node.Date, node.Status, node.Reason, node.Attempt, now, now, 0, recorder.Records.Count));
            // Its rows are now failures: stale until it runs through, and a change for whatever reads it.
            versions.Add(new NodeVersionRow(node.Processor, node.Date, _code.Of(node.Processor), "", "", NodeVersionRow.Failed, input.RunId, now, now));
        }
        await warehouse.UpsertAsync(TableCatalog.NodeVersions, versions, ct);
        await warehouse.UpsertAsync(TableCatalog.BackfillStatus, statuses, ct);
        return written;
    }

    public async Task<BackfillOutcome> FinalizeAsync(FinalizeInput input, CancellationToken ct = default)
    {
        var range = new DateRange(input.Request.From, input.Request.To);
        var report = await ReconciliationReader.ReconcileAsync(warehouse, range, input.Request.Processors, ct);
        var lines = report.Select(r => new ReconciliationLine(r.Processor, r.Totals.Expected, r.Totals.HasRecord, r.Totals.HasFailure,
            r.Totals.Unaccounted, r.Totals.Orphans, r.Totals.Both, r.Totals.Coverage)).ToList();
        var status = input.Status == RunStatus.Completed && lines.Any(l => l.Unaccounted + l.Orphans + l.Both > 0)
            ? RunStatus.CompletedWithFailures : input.Status;
        var outcome = new BackfillOutcome(input.RunId, status, input.Progress, lines, []);
        var existing = (await warehouse.ReadWhereAsync(TableCatalog.BackfillRuns, "run_id", input.RunId, ct)).Select(r => RunRow.From(new Row(r))).SingleOrDefault();
        var started = existing?.StartedAt ?? new DateTimeOffset(input.Progress.StartedAt, TimeSpan.Zero);
        await warehouse.UpsertAsync(TableCatalog.BackfillRuns,
            [RunRowOf(input.RunId, input.Request, existing?.Engine ?? "unknown", status, started, new DateTimeOffset(input.CompletedAt, TimeSpan.Zero), JsonSerializer.Serialize(outcome))], ct);
        if (reports is not null)
        {
            // Counts only: a key-and-category read of the failure tables, not their wide rows.
            var failures = new List<RunReports.FailureFacts>();
            var processors = input.Request.Processors.Select(p => p.ToString()).ToHashSet();
            foreach (var table in new[] { TableCatalog.AnalyticsFailures, TableCatalog.PrecomputeFailures })
            {
                failures.AddRange((await warehouse.ReadColumnsAsync(table, range,
                        ["processor_name", "analysis_date", "failure_category", "failure_type", "is_correctable", "resolution_status"],
                        r => (Processor: r.Str("processor_name"), Facts: new RunReports.FailureFacts(ProcessorIds.Parse(r.Str("processor_name")),
                            r.Str("failure_category"), r.Str("failure_type"), r.Bool("is_correctable")), Status: r.Str("resolution_status")), ct))
                    .Where(f => processors.Contains(f.Processor) && f.Status != ResolutionStatus.Resolved).Select(f => f.Facts));
            }
            await reports.WriteAsync(input.RunId, RunReports.Render(outcome, failures), ct);
        }
        return outcome;
    }

    /// <summary>
    /// Reads the run's statuses of the batch's nodes and writes 'running' over each not yet succeeded: the batch with its
    /// attempt (a node still 'running' from an earlier try, a retry after a fault or a crash, counts one more), and
    /// the statuses it found (a node this run already succeeded keeps its row and counts: a redelivery that finds it
    /// fresh reports it from that row, however many times the activity was cut short in between).
    /// </summary>
    private static async Task<(BatchInput Input, Dictionary<DateOnly, StatusRow> Previous)> MarkRunningAsync(
        BatchInput input, DateRange range, DateTimeOffset started, IWarehouse warehouse, CancellationToken ct)
    {
        var previous = (await warehouse.ReadWhereAsync(TableCatalog.BackfillStatus, "run_id", input.RunId, range, ct))
            .Select(r => StatusRow.From(new Row(r)))
            .Where(s => s.Processor == input.Processor.ToString() && input.Dates.Contains(s.TargetDate))
            .ToDictionary(s => s.TargetDate);
        input = input with { Attempt = Math.Max(input.Attempt, previous.Values.Where(s => s.Status == NodeStatus.Running).Select(s => s.Attempt).DefaultIfEmpty(0).Max() + 1) };
        await WriteStatusAsync(input, input.Dates.Where(d => previous.GetValueOrDefault(d) is not { Status: NodeStatus.Succeeded })
            .Select(d => (d, NodeStatus.Running, (string?)null, 0, 0)), started, null, ct, warehouse);
        return (input, previous);
    }

    private static Dictionary<DateOnly, int> CountsByDate(IEnumerable<DateOnly> dates)
    {
        var counts = new Dictionary<DateOnly, int>();
        foreach (var d in dates) counts[d] = counts.GetValueOrDefault(d) + 1;
        return counts;
    }

    private static async Task WriteStatusAsync(BatchInput input, IEnumerable<(DateOnly Date, NodeStatus Status, string? Error, int Rows, int Failures)> rows,
        DateTimeOffset started, DateTimeOffset? completed, CancellationToken ct, IWarehouse warehouse)
    {
        var statuses = StatusRowsOf(input, rows, started, completed);
        if (statuses.Count > 0) await warehouse.UpsertAsync(TableCatalog.BackfillStatus, statuses, ct);
    }

    private static List<ITableRow> StatusRowsOf(BatchInput input, IEnumerable<(DateOnly Date, NodeStatus Status, string? Error, int Rows, int Failures)> rows,
        DateTimeOffset started, DateTimeOffset? completed) =>
        [.. rows.Select(r => (ITableRow)new StatusRow(input.RunId, input.Processor.ToString(), r.Date, r.Status, r.Error, input.Attempt, started, completed, r.Rows, r.Failures))];

    private static RunRow RunRowOf(string runId, BackfillRequest r, string engine, RunStatus status, DateTimeOffset started, DateTimeOffset? completed, string? summary) =>
        new(runId, r.From, r.To, string.Join(",", r.Processors), JsonSerializer.Serialize(new { r.OnFailure, r.MaxParallel, r.BatchSize, r.Preflight, r.Force }),
            engine, status, r.Preflight == PreflightMode.Skip, started, completed, summary);
}
