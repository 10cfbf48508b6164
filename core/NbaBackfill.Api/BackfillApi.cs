using System.Globalization;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using NbaBackfill.Calendar;
using NbaBackfill.Orchestration;
using NbaBackfill.Processors;
using NbaBackfill.Failures;
using NbaBackfill.Planning;
using NbaBackfill.Reconciliation;
using NbaBackfill.Tables;
using System.Text.Json;
using NbaBackfill.Warehouse;

namespace NbaBackfill.Api;

/// <summary>
/// This app's own routes for an instance, returned on 202/409. Never Durable Functions' built-in management URLs:
/// those carry the system key, which opens terminate/purge/rewind/raise-event on every instance of the task hub.
/// </summary>
public sealed record ManagementPayload(string Id, string StatusQueryGetUri, string TerminatePostUri, string RetryPostUri);

/// <summary>
/// The HTTP API, host-agnostic: validation, 202/400/404/409 semantics, payloads. Azure Functions triggers and the
/// local host are thin mappings of requests onto these methods.
/// </summary>
public sealed class BackfillApi(
    DurableTaskClient client, IWarehouse warehouse, ApiOptions options, Func<string, ManagementPayload> managementPayload, string engine,
    TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public ApiOptions Options => options;

    /// <summary>POST /api/backfills.</summary>
    public async Task<ApiResponse> StartAsync(byte[] body, CancellationToken ct)
    {
        var (parsed, errors) = BackfillRequestParser.Parse(body, options);
        if (parsed is null) return ApiResponse.BadRequest(errors);
        if (parsed.DryRun)
        {
            var plan = await BackfillActivities.PlanOnlyAsync(warehouse, parsed.Request, ct);
            return ApiResponse.Ok(new
            {
                dryRun = true, nodes = plan.Nodes.GroupBy(n => n.Processor.ToString()).ToDictionary(g => g.Key, g => g.Count()),
                noGameDates = plan.NoGameDates, addedByPreflight = plan.AddedByPreflight.Count,
            });
        }
        var id = RunIds.Key(parsed.Request);
        return await StartInstanceAsync(id, parsed.Request, ct);
    }

    /// <summary>
    /// Admission and scheduling under one gate, so two requests cannot both pass the check before either is
    /// scheduled: a start whose (processor, date) nodes overlap an active instance (daily runs and suspended ones
    /// included) is refused with 409 naming it.
    /// </summary>
    private async Task<ApiResponse> StartInstanceAsync(string id, Planning.BackfillRequest request, CancellationToken ct)
    {
        var admission = await RunGate.AdmitAsync(client, id, request, resumesSameId: false, () =>
            client.ScheduleNewOrchestrationInstanceAsync(TaskNames.Backfill, new BackfillInput(id, request, engine, TraceParent: System.Diagnostics.Activity.Current?.Id),
                new StartOrchestrationOptions(id), ct), ct);
        if (admission.SameIdActive is { } same)
        {
            return Conflict(id, "Already running", $"backfill {id} is already active", [new RunConflict(same.Id, same.Request.Processors, same.Request.From, same.Request.To)]);
        }
        if (admission.Conflicts is { Count: > 0 } conflicts)
        {
            return Conflict(conflicts[0].RunningId, "Overlaps a running backfill", RunAdmission.Refusal(conflicts), conflicts);
        }
        var payload = managementPayload(id);
        return new ApiResponse(202, payload, Headers: new Dictionary<string, string> { ["Location"] = payload.StatusQueryGetUri });
    }

    private ApiResponse Conflict(string runningId, string title, string detail, IReadOnlyList<RunConflict> conflicts) =>
        new(409, new ProblemDetails("https://httpstatuses.io/409", title, 409, detail, null, runningId)
            {
                Conflicts = conflicts.Select(c => new ConflictDetail(c.RunningId, c.Processors.Select(p => p.ToString()).ToList(), c.From, c.To, managementPayload(c.RunningId))).ToList(),
            },
            "application/problem+json", new Dictionary<string, string> { ["Location"] = managementPayload(runningId).StatusQueryGetUri });

    /// <summary>
    /// GET /api/backfills/{id}: polled by the dashboard, so it reads no orchestration inputs (a packed checkpoint can
    /// be megabytes) and no failure rows: the run row, one GROUP BY over its node statuses and one per failure table.
    /// </summary>
    public async Task<ApiResponse> GetAsync(string id, CancellationToken ct)
    {
        if (InvalidId(id) is { } invalid) return invalid;
        var meta = await client.GetInstanceAsync(id, getInputsAndOutputs: false, ct);
        if (meta is not null && meta.Name != TaskNames.Backfill) meta = null;
        var run = (await warehouse.ReadWhereAsync(TableCatalog.BackfillRuns, "run_id", id, ct)).Select(r => RunRow.From(new Row(r))).SingleOrDefault();
        if (meta is null && run is null) return ApiResponse.NotFound($"no backfill with id {id}");
        var outcome = run?.Summary is { } summary ? JsonSerializer.Deserialize<BackfillOutcome>(summary) : null;
        object? progress = outcome?.Progress;
        Dictionary<string, long>? failures = null;
        if (run is not null)
        {
            var range = new DateRange(run.FromDate, run.ToDate);
            progress ??= NodeCounts.Of(await warehouse.CountGroupsAsync(TableCatalog.BackfillStatus, ["processor", "status"], run.StatusDates, "run_id", id, ct));
            var processors = run.Processors.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
            failures = [];
            foreach (var table in new[] { TableCatalog.AnalyticsFailures, TableCatalog.PrecomputeFailures })
            {
                var groups = await warehouse.CountGroupsAsync(table, ["processor_name", "failure_category", "resolution_status"], range, null, null, ct);
                foreach (var g in groups.Where(g => processors.Contains((string)g.Keys[0]!) && (string)g.Keys[2]! != ResolutionStatus.Resolved))
                {
                    failures[(string)g.Keys[1]!] = failures.GetValueOrDefault((string)g.Keys[1]!) + g.Count;
                }
            }
        }
        return ApiResponse.Ok(new
        {
            id, runtimeStatus = meta?.RuntimeStatus.ToString() ?? run!.Status.ToString(), createdAt = meta?.CreatedAt ?? run!.StartedAt,
            lastUpdatedAt = meta?.LastUpdatedAt ?? run!.CompletedAt, engine = run?.Engine,
            from = run?.FromDate, to = run?.ToDate, processors = run?.Processors.Split(',', StringSplitOptions.RemoveEmptyEntries),
            status = run?.Status, progress, failuresByCategory = failures,
            reconciliation = outcome?.Reconciliation, failure = meta?.FailureDetails?.ErrorMessage,
            links = managementPayload(id),
        });
    }

    /// <summary>GET /api/backfills?status=Running&amp;from=…&amp;pageSize=…&amp;continuationToken=….</summary>
    public async Task<ApiResponse> ListAsync(string? status, string? from, string? pageSize, string? continuationToken, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        OrchestrationRuntimeStatus[]? statuses = null;
        if (!string.IsNullOrEmpty(status))
        {
            // Names only: Enum.TryParse would take "5" or "Running,Failed" as a value.
            var parsed = status.Split(',').Select(s => Enum.GetValues<OrchestrationRuntimeStatus>().Where(v => string.Equals(v.ToString(), s, StringComparison.OrdinalIgnoreCase)).Select(v => (OrchestrationRuntimeStatus?)v).FirstOrDefault()).ToList();
            if (parsed.Any(p => p is null)) errors.Add(new FieldError("status", $"unknown status (known: {string.Join(", ", Enum.GetNames<OrchestrationRuntimeStatus>())})"));
            else statuses = parsed.Select(p => p!.Value).ToArray();
        }
        DateTimeOffset? createdFrom = null;
        if (!string.IsNullOrEmpty(from))
        {
            if (DateRange.TryParseDate(from, out var d, out var error)) createdFrom = new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            else errors.Add(new FieldError("from", error));
        }
        var size = 50;
        if (!string.IsNullOrEmpty(pageSize) && (!int.TryParse(pageSize, CultureInfo.InvariantCulture, out size) || size is < 1 or > 500))
        {
            errors.Add(new FieldError("pageSize", "must be a whole number from 1 to 500"));
        }
        if (errors.Count > 0) return ApiResponse.BadRequest(errors);
        var query = new OrchestrationQuery(CreatedFrom: createdFrom, Statuses: statuses, PageSize: size, ContinuationToken: continuationToken);
        await foreach (var page in client.GetAllInstancesAsync(query).AsPages(continuationToken, size).WithCancellation(ct))
        {
            var items = page.Values.Where(m => m.Name == TaskNames.Backfill)
                .Select(m => new { id = m.InstanceId, runtimeStatus = m.RuntimeStatus.ToString(), createdAt = m.CreatedAt, lastUpdatedAt = m.LastUpdatedAt })
                .ToList();
            return ApiResponse.Ok(new { items, continuationToken = page.ContinuationToken });
        }
        return ApiResponse.Ok(new { items = Array.Empty<object>(), continuationToken = (string?)null });
    }

    /// <summary>POST /api/backfills/{id}/terminate.</summary>
    public async Task<ApiResponse> TerminateAsync(string id, CancellationToken ct)
    {
        if (InvalidId(id) is { } invalid) return invalid;
        var meta = await client.GetInstanceAsync(id, ct);
        if (meta is null || meta.Name != TaskNames.Backfill) return ApiResponse.NotFound($"no backfill with id {id}");
        if (!RunGate.Active.Contains(meta.RuntimeStatus)) return ApiResponse.Problem(409, "Not running", $"backfill {id} is {meta.RuntimeStatus}");
        await client.TerminateInstanceAsync(id, new TerminateInstanceOptions("terminated through the API"), ct);
        // The orchestrator never runs again to say so: record it, so status shows it and nothing "resumes" it.
        await RunTermination.RecordAsync(warehouse, id, _time.GetUtcNow(), ct);
        return new ApiResponse(202, new { id, status = RunStatus.Terminated });
    }

    /// <summary>POST /api/backfills/{id}/retry[?correctableOnly=true].</summary>
    public async Task<ApiResponse> RetryAsync(string id, string? correctableOnly, CancellationToken ct)
    {
        if (InvalidId(id) is { } invalid) return invalid;
        if (correctableOnly is not (null or "" or "true" or "false")) return ApiResponse.BadRequest([new FieldError("correctableOnly", "must be true or false")]);
        var run = await RetryPlanning.FindRunAsync(warehouse, id, ct);
        var meta = await client.GetInstanceAsync(id, getInputsAndOutputs: true, ct);
        if (run is null && meta?.ReadInputAs<BackfillInput>() is null) return ApiResponse.NotFound($"no backfill run with id {id}");
        if (meta is not null && RunGate.Active.Contains(meta.RuntimeStatus)) return ApiResponse.Problem(409, "Still running", $"backfill {id} is {meta.RuntimeStatus}");
        if (run is null)
        {
            // Stopped before it planned anything: a retry is the whole request again.
            return await StartInstanceAsync(id + "-retry1", meta!.ReadInputAs<BackfillInput>()!.Request, ct);
        }
        var retry = await RetryPlanning.PlanAsync(warehouse, run, correctableOnly == "true", ct);
        if (retry is null) return ApiResponse.Ok(new { id, retry = (string?)null, detail = "nothing to retry" });
        return await StartInstanceAsync(retry.RetryRunId, retry.Request, ct);
    }

    private static ApiResponse? InvalidId(string id) =>
        Validation.Identifiers.IsRunId(id) ? null : ApiResponse.BadRequest([new FieldError("id", $"{Validation.Identifiers.Quote(id)} is not {Validation.Identifiers.RunIdRule}")]);

    /// <summary>GET /api/gaps?from&amp;to: row counts per date and table.</summary>
    public async Task<ApiResponse> GapsAsync(string? from, string? to, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        if (BackfillRequestParser.QueryRange(from, to, options, errors) is not { } r) return ApiResponse.BadRequest(errors);
        var range = new DateRange(r.From, r.To);
        var grid = await GapGrid.ReadAsync(warehouse, range, ct);
        var outputs = grid.Columns.Where(c => c.Name != "raw").ToList();
        var dates = range.Dates().Select(d => new
        {
            date = d, noGames = !grid.GameDates.Contains(d),
            counts = outputs.ToDictionary(c => c.Name, c => c.Counts.GetValueOrDefault(d)),
        });
        return ApiResponse.Ok(new { from = r.From, to = r.To, dates });
    }

    /// <summary>GET /api/coverage?from&amp;to: the heatmap, one cell per (processor, date) with its state and counts.</summary>
    public async Task<ApiResponse> CoverageAsync(string? from, string? to, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        if (BackfillRequestParser.QueryRange(from, to, options, errors) is not { } r) return ApiResponse.BadRequest(errors);
        var cells = await Coverage.ReadAsync(warehouse, new DateRange(r.From, r.To), ct);
        return ApiResponse.Ok(new
        {
            from = r.From, to = r.To, processors = ProcessorIds.All.Select(p => p.ToString()),
            cells = cells.Select(c => new
            {
                processor = c.Processor.ToString(), date = c.Date, state = c.State.ToString(), c.Counts.Expected, c.Counts.HasRecord,
                c.Counts.HasFailure, c.Counts.Unaccounted, c.Counts.Orphans, c.Counts.Both, failures = c.FailuresByCategory,
                staleReasons = c.StaleReasons,
            }),
        });
    }

    /// <summary>GET /api/stale[?from&amp;to]: every stale or never-run node with its reasons (default: every loaded date).</summary>
    public async Task<ApiResponse> StaleAsync(string? from, string? to, CancellationToken ct)
    {
        DateRange? range = null;
        if (!string.IsNullOrEmpty(from) || !string.IsNullOrEmpty(to))
        {
            var errors = new List<FieldError>();
            if (BackfillRequestParser.QueryRange(from, to, options, errors) is not { } r) return ApiResponse.BadRequest(errors);
            range = new DateRange(r.From, r.To);
        }
        range ??= await StaleRuns.LoadedRangeAsync(warehouse, ct);
        var stale = range is { } scope ? await StaleRuns.FindAsync(warehouse, scope, ProcessorIds.All, Versions.CodeVersions.Declared, ct) : [];
        return ApiResponse.Ok(stale.Select(n => new { processor = n.Processor.ToString(), date = n.Date, reasons = n.Reasons }));
    }

    /// <summary>GET /api/runs: every run of the warehouse (backfill_runs: CLI, API and daily runs alike), newest first.</summary>
    public async Task<ApiResponse> RunsAsync(CancellationToken ct)
    {
        var runs = (await warehouse.ReadAllAsync(TableCatalog.BackfillRuns, null, ct)).Select(r => RunRow.From(new Row(r)))
            .OrderByDescending(r => r.StartedAt).Take(200);
        return ApiResponse.Ok(runs.Select(r => new
        {
            id = r.RunId, status = r.Status, engine = r.Engine, from = r.FromDate, to = r.ToDate, processors = r.Processors,
            startedAt = r.StartedAt, completedAt = r.CompletedAt,
        }));
    }

    /// <summary>GET /api/failures?processor&amp;date: the unresolved failures of one cell (dashboard drill-down).</summary>
    public async Task<ApiResponse> FailuresAsync(string? processor, string? date, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        var p = ProcessorId.PGS;
        if (processor is null || !ProcessorIds.TryParse(processor, out p)) errors.Add(new FieldError("processor", $"unknown processor (known: {string.Join(", ", ProcessorIds.All)})"));
        if (BackfillRequestParser.QueryRange(date, date, options, errors) is not { } r || errors.Count > 0) return ApiResponse.BadRequest(errors);
        var failures = await warehouse.ReadUnresolvedFailuresAsync(p, DateRange.Single(r.From), ct);
        return ApiResponse.Ok(failures.OrderBy(f => f.FailureCategory, StringComparer.Ordinal).ThenBy(f => f.EntityId, StringComparer.Ordinal).Select(f => new
        {
            entityId = f.EntityId, entityType = f.EntityType, category = f.FailureCategory, failureType = f.FailureType,
            isCorrectable = f.IsCorrectable, reason = f.FailureReason, missingGameDates = f.MissingGameDates, runId = f.RunId,
        }));
    }

    /// <summary>GET /api/reconciliation?from&amp;to[&amp;perDate=true].</summary>
    public async Task<ApiResponse> ReconciliationAsync(string? from, string? to, string? perDate, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        if (BackfillRequestParser.QueryRange(from, to, options, errors) is not { } r) return ApiResponse.BadRequest(errors);
        var report = await ReconciliationReader.ReconcileAsync(warehouse, new DateRange(r.From, r.To), ProcessorIds.All, ct);
        return ApiResponse.Ok(report.Select(p => new
        {
            processor = p.Processor.ToString(), expected = p.Totals.Expected, hasRecord = p.Totals.HasRecord, hasFailure = p.Totals.HasFailure,
            unaccounted = p.Totals.Unaccounted, orphans = p.Totals.Orphans, both = p.Totals.Both, coverage = p.Totals.Coverage,
            dates = perDate == "true" ? p.Dates.Select(d => new { date = d.Date, d.Counts.Expected, d.Counts.HasRecord, d.Counts.HasFailure, d.Counts.Unaccounted, d.Counts.Orphans, d.Counts.Both }) : null,
        }));
    }
}
