using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using NbaBackfill.Calendar;
using NbaBackfill.Failures;
using NbaBackfill.Orchestration;
using NbaBackfill.Planning;
using NbaBackfill.Processors;
using NbaBackfill.Reconciliation;
using NbaBackfill.Tables;
using NbaBackfill.Warehouse;

namespace NbaBackfill.Api;

/// <summary>
/// The HTTP API, host-agnostic: validation, 202/400/404/409 semantics, payloads, as typed results (400 a
/// ValidationProblem naming each field, 404/409 problem details). <see cref="BackfillEndpoints"/> maps it.
/// </summary>
public sealed class BackfillApi(
    DurableTaskClient client, IWarehouse warehouse, ApiOptions options, Func<string, ManagementPayload> managementPayload, string engine,
    TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public ApiOptions Options => options;

    /// <summary>
    /// Minimal APIs bind the API per request: the engine from the request's features (Functions) or services (the
    /// local host), everything else from services, management links from the request's own scheme and host.
    /// </summary>
    public static ValueTask<BackfillApi?> BindAsync(HttpContext http)
    {
        var services = http.RequestServices;
        var engine = http.Features.Get<ApiEngine>() ?? services.GetRequiredService<ApiEngine>();
        var baseUrl = $"{http.Request.Scheme}://{http.Request.Host}";
        return ValueTask.FromResult<BackfillApi?>(new BackfillApi(
            engine.Client, services.GetRequiredService<IWarehouse>(), services.GetRequiredService<ApiOptions>(),
            id => ManagementPayload.FromRoutes(baseUrl, id), engine.Name, services.GetService<TimeProvider>()));
    }

    /// <summary>POST /api/backfills.</summary>
    public async Task<Results<Ok<DryRunResponse>, Accepted<ManagementPayload>, ValidationProblem, ProblemHttpResult>> StartAsync(
        byte[] body, CancellationToken ct)
    {
        var (parsed, errors) = BackfillRequestParser.Parse(body, options);
        if (parsed is null) return Invalid(errors);
        if (parsed.DryRun)
        {
            var plan = await BackfillActivities.PlanOnlyAsync(warehouse, parsed.Request, ct);
            return TypedResults.Ok(new DryRunResponse(
                true, plan.Nodes.GroupBy(n => n.Processor.ToString()).ToDictionary(g => g.Key, g => g.Count()),
                plan.NoGameDates, plan.AddedByPreflight.Count));
        }
        var id = RunIds.Key(parsed.Request);
        return await ScheduleAsync(id, parsed.Request, ct) is { } refused ? refused : Scheduled(id);
    }

    /// <summary>
    /// Admission and scheduling under one gate, so two requests cannot both pass the check before either is
    /// scheduled: a start whose (processor, date) nodes overlap an active instance (daily runs and suspended ones
    /// included) is refused with 409 naming it.
    /// </summary>
    /// <returns>The 409 when refused; null when scheduled.</returns>
    private async Task<ProblemHttpResult?> ScheduleAsync(string id, Planning.BackfillRequest request, CancellationToken ct)
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
        return null;
    }

    /// <summary>202 with this app's routes for the instance, and Location its status route.</summary>
    private Accepted<ManagementPayload> Scheduled(string id)
    {
        var payload = managementPayload(id);
        return TypedResults.Accepted(payload.StatusQueryGetUri, payload);
    }

    /// <summary>409 naming the running instance (<c>instance</c>) and, under <c>conflicts</c>, every overlap with its links.</summary>
    private ProblemHttpResult Conflict(string runningId, string title, string detail, IReadOnlyList<RunConflict> conflicts) =>
        TypedResults.Problem(detail, runningId, StatusCodes.Status409Conflict, title, extensions: new Dictionary<string, object?>
        {
            ["conflicts"] = conflicts.Select(c => new ConflictDetail(
                c.RunningId, c.Processors.Select(p => p.ToString()).ToList(), c.From, c.To, managementPayload(c.RunningId))).ToList(),
        });

    /// <summary>400: every broken rule under its field, and all of them in one line as the detail.</summary>
    private static ValidationProblem Invalid(IReadOnlyCollection<FieldError> errors) => TypedResults.ValidationProblem(
        errors.GroupBy(e => e.Field, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(e => e.Rule).ToArray()),
        detail: string.Join("; ", errors.Select(e => $"{e.Field}: {e.Rule}")), title: "Invalid request");

    private static ValidationProblem Invalid(string field, string rule) => Invalid([new FieldError(field, rule)]);

    /// <summary>A true/false query flag: absent or empty is false.</summary>
    private static ValidationProblem? InvalidFlag(string field, string? value) =>
        value is null or "" or "true" or "false" ? null : Invalid(field, "must be true or false");

    private static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    private static ProblemHttpResult NotRunning(string title, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: title);

    /// <summary>
    /// GET /api/backfills/{id}: polled by the dashboard, so it reads no orchestration inputs (a packed checkpoint can
    /// be megabytes) and no failure rows: the run row, one GROUP BY over its node statuses and one per failure table.
    /// </summary>
    public async Task<Results<Ok<BackfillStatusResponse>, ValidationProblem, ProblemHttpResult>> GetAsync(string id, CancellationToken ct)
    {
        if (InvalidId(id) is { } invalid) return invalid;
        var meta = await client.GetInstanceAsync(id, getInputsAndOutputs: false, ct);
        if (meta is not null && meta.Name != TaskNames.Backfill) meta = null;
        var run = (await warehouse.ReadWhereAsync(TableCatalog.BackfillRuns, "run_id", id, ct)).Select(r => RunRow.From(new Row(r))).SingleOrDefault();
        if (meta is null && run is null) return NotFound($"no backfill with id {id}");
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
        return TypedResults.Ok(new BackfillStatusResponse(
            id, meta?.RuntimeStatus.ToString() ?? run!.Status.ToString(), meta?.CreatedAt ?? run!.StartedAt,
            meta?.LastUpdatedAt ?? run!.CompletedAt, run?.Engine,
            run?.FromDate, run?.ToDate, run?.Processors.Split(',', StringSplitOptions.RemoveEmptyEntries),
            run?.Status, progress, failures, outcome?.Reconciliation, meta?.FailureDetails?.ErrorMessage, managementPayload(id)));
    }

    /// <summary>GET /api/backfills?status=Running&amp;from=…&amp;pageSize=…&amp;continuationToken=….</summary>
    public async Task<Results<Ok<BackfillListPage>, ValidationProblem>> ListAsync(ListQuery q, CancellationToken ct)
    {
        var (status, from, pageSize, continuationToken) = q;
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
        if (errors.Count > 0) return Invalid(errors);
        var query = new OrchestrationQuery(CreatedFrom: createdFrom, Statuses: statuses, PageSize: size, ContinuationToken: continuationToken);
        await foreach (var page in client.GetAllInstancesAsync(query).AsPages(continuationToken, size).WithCancellation(ct))
        {
            var items = page.Values.Where(m => m.Name == TaskNames.Backfill)
                .Select(m => new BackfillListItem(m.InstanceId, m.RuntimeStatus.ToString(), m.CreatedAt, m.LastUpdatedAt))
                .ToList();
            return TypedResults.Ok(new BackfillListPage(items, page.ContinuationToken));
        }
        return TypedResults.Ok(new BackfillListPage([], null));
    }

    /// <summary>POST /api/backfills/{id}/terminate.</summary>
    public async Task<Results<Accepted<TerminatedResponse>, ValidationProblem, ProblemHttpResult>> TerminateAsync(string id, CancellationToken ct)
    {
        if (InvalidId(id) is { } invalid) return invalid;
        var meta = await client.GetInstanceAsync(id, ct);
        if (meta is null || meta.Name != TaskNames.Backfill) return NotFound($"no backfill with id {id}");
        if (!RunGate.Active.Contains(meta.RuntimeStatus)) return NotRunning("Not running", $"backfill {id} is {meta.RuntimeStatus}");
        await client.TerminateInstanceAsync(id, new TerminateInstanceOptions("terminated through the API"), ct);
        // The orchestrator never runs again to say so: record it, so status shows it and nothing "resumes" it.
        await RunTermination.RecordAsync(warehouse, id, _time.GetUtcNow(), ct);
        return TypedResults.Accepted((string?)null, new TerminatedResponse(id, RunStatus.Terminated));
    }

    /// <summary>POST /api/backfills/{id}/retry[?correctableOnly=true].</summary>
    public async Task<Results<Ok<NothingToRetryResponse>, Accepted<ManagementPayload>, ValidationProblem, ProblemHttpResult>> RetryAsync(
        string id, RetryQuery query, CancellationToken ct)
    {
        if (InvalidId(id) is { } invalid) return invalid;
        var correctableOnly = query.CorrectableOnly;
        if (InvalidFlag("correctableOnly", correctableOnly) is { } invalidFlag) return invalidFlag;
        var run = await RetryPlanning.FindRunAsync(warehouse, id, ct);
        var meta = await client.GetInstanceAsync(id, getInputsAndOutputs: true, ct);
        if (run is null && meta?.ReadInputAs<BackfillInput>() is null) return NotFound($"no backfill run with id {id}");
        if (meta is not null && RunGate.Active.Contains(meta.RuntimeStatus)) return NotRunning("Still running", $"backfill {id} is {meta.RuntimeStatus}");
        if (run is null)
        {
            // Stopped before it planned anything: a retry is the whole request again.
            var again = id + "-retry1";
            return await ScheduleAsync(again, meta!.ReadInputAs<BackfillInput>()!.Request, ct) is { } refusedAgain ? refusedAgain : Scheduled(again);
        }
        var retry = await RetryPlanning.PlanAsync(warehouse, run, correctableOnly == "true", ct);
        if (retry is null) return TypedResults.Ok(new NothingToRetryResponse(id, "nothing to retry"));
        return await ScheduleAsync(retry.RetryRunId, retry.Request, ct) is { } refused ? refused : Scheduled(retry.RetryRunId);
    }

    private static ValidationProblem? InvalidId(string id) =>
        Validation.Identifiers.IsRunId(id) ? null : Invalid("id", $"{Validation.Identifiers.Quote(id)} is not {Validation.Identifiers.RunIdRule}");

    /// <summary>GET /api/gaps?from&amp;to: row counts per date and table.</summary>
    public async Task<Results<Ok<GapsResponse>, ValidationProblem>> GapsAsync(RangeQuery query, CancellationToken ct)
    {
        if (CheckRange(query.From, query.To, out var range) is { } invalid) return invalid;
        var grid = await GapGrid.ReadAsync(warehouse, range, ct);
        var outputs = grid.Columns.Where(c => c.Name != "raw").ToList();
        var dates = range.Dates().Select(d => new GapsDate(
            d, !grid.GameDates.Contains(d), outputs.ToDictionary(c => c.Name, c => c.Counts.GetValueOrDefault(d)))).ToList();
        return TypedResults.Ok(new GapsResponse(range.From, range.To, dates));
    }

    /// <summary>GET /api/coverage?from&amp;to: the heatmap, one cell per (processor, date) with its state and counts.</summary>
    public async Task<Results<Ok<CoverageResponse>, ValidationProblem>> CoverageAsync(RangeQuery query, CancellationToken ct)
    {
        if (CheckRange(query.From, query.To, out var range) is { } invalid) return invalid;
        var cells = await Coverage.ReadAsync(warehouse, range, ct);
        return TypedResults.Ok(new CoverageResponse(
            range.From, range.To, ProcessorIds.All.Select(p => p.ToString()).ToList(),
            cells.Select(c => new CoverageCellResponse(
                c.Processor.ToString(), c.Date, c.State.ToString(), c.Counts.Expected, c.Counts.HasRecord, c.Counts.HasFailure,
                c.Counts.Unaccounted, c.Counts.Orphans, c.Counts.Both, c.FailuresByCategory, c.StaleReasons)).ToList()));
    }

    /// <summary>GET /api/stale[?from&amp;to]: every stale or never-run node with its reasons (default: every loaded date).</summary>
    public async Task<Results<Ok<IReadOnlyList<StaleNodeResponse>>, ValidationProblem>> StaleAsync(RangeQuery query, CancellationToken ct)
    {
        DateRange? range = null;
        if (!string.IsNullOrEmpty(query.From) || !string.IsNullOrEmpty(query.To))
        {
            if (CheckRange(query.From, query.To, out var given) is { } invalid) return invalid;
            range = given;
        }
        range ??= await StaleRuns.LoadedRangeAsync(warehouse, ct);
        var stale = range is { } scope ? await StaleRuns.FindAsync(warehouse, scope, ProcessorIds.All, Versions.CodeVersions.Declared, ct) : [];
        return TypedResults.Ok<IReadOnlyList<StaleNodeResponse>>(
            stale.Select(n => new StaleNodeResponse(n.Processor.ToString(), n.Date, n.Reasons)).ToList());
    }

    /// <summary>GET /api/runs: every run of the warehouse (backfill_runs: CLI, API and daily runs alike), newest first.</summary>
    public async Task<Ok<IReadOnlyList<RunResponse>>> RunsAsync(CancellationToken ct)
    {
        var runs = (await warehouse.ReadAllAsync(TableCatalog.BackfillRuns, null, ct)).Select(r => RunRow.From(new Row(r)))
            .OrderByDescending(r => r.StartedAt).Take(200);
        return TypedResults.Ok<IReadOnlyList<RunResponse>>(runs.Select(r => new RunResponse(
            r.RunId, r.Status, r.Engine, r.FromDate, r.ToDate, r.Processors, r.StartedAt, r.CompletedAt)).ToList());
    }

    /// <summary>GET /api/failures?processor&amp;date: the unresolved failures of one cell (dashboard drill-down).</summary>
    public async Task<Results<Ok<IReadOnlyList<FailureResponse>>, ValidationProblem>> FailuresAsync(FailuresQuery query, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        var p = ProcessorId.PGS;
        if (query.Processor is null || !ProcessorIds.TryParse(query.Processor, out p))
        {
            errors.Add(new FieldError("processor", $"unknown processor (known: {string.Join(", ", ProcessorIds.All)})"));
        }
        var r = BackfillRequestParser.QueryRange(query.Date, query.Date, options, errors);
        if (r is null || errors.Count > 0) return Invalid(errors);
        var failures = await warehouse.ReadUnresolvedFailuresAsync(p, r.Value, ct);
        return TypedResults.Ok<IReadOnlyList<FailureResponse>>(failures
            .OrderBy(f => f.FailureCategory, StringComparer.Ordinal).ThenBy(f => f.EntityId, StringComparer.Ordinal)
            .Select(f => new FailureResponse(
                f.EntityId, f.EntityType, f.FailureCategory, f.FailureType, f.IsCorrectable, f.FailureReason, f.MissingGameDates, f.RunId))
            .ToList());
    }

    /// <summary>GET /api/reconciliation?from&amp;to[&amp;perDate=true].</summary>
    public async Task<Results<Ok<IReadOnlyList<ReconciliationResponse>>, ValidationProblem>> ReconciliationAsync(
        ReconciliationQuery query, CancellationToken ct)
    {
        if (CheckRange(query.From, query.To, out var range) is { } invalid) return invalid;
        if (InvalidFlag("perDate", query.PerDate) is { } invalidFlag) return invalidFlag;
        var report = await ReconciliationReader.ReconcileAsync(warehouse, range, ProcessorIds.All, ct);
        return TypedResults.Ok<IReadOnlyList<ReconciliationResponse>>(report.Select(p => new ReconciliationResponse(
            p.Processor.ToString(), p.Totals.Expected, p.Totals.HasRecord, p.Totals.HasFailure, p.Totals.Unaccounted, p.Totals.Orphans,
            p.Totals.Both, p.Totals.Coverage,
            query.PerDate == "true"
                ? p.Dates.Select(d => new ReconciliationDate(
                    d.Date, d.Counts.Expected, d.Counts.HasRecord, d.Counts.HasFailure, d.Counts.Unaccounted, d.Counts.Orphans, d.Counts.Both)).ToList()
                : null)).ToList());
    }

    /// <summary>A query's from/to under the API's range rules: the 400 naming what is wrong, or null and the range.</summary>
    private ValidationProblem? CheckRange(string? from, string? to, out DateRange range)
    {
        var errors = new List<FieldError>();
        var checkedRange = BackfillRequestParser.QueryRange(from, to, options, errors);
        range = checkedRange.GetValueOrDefault();
        return checkedRange is null ? Invalid(errors) : null;
    }
}
