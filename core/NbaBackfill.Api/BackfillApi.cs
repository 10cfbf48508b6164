using System.Globalization;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using NbaBackfill.Calendar;
using NbaBackfill.Orchestration;
using NbaBackfill.Processors;
using NbaBackfill.Reconciliation;
using NbaBackfill.Warehouse;

namespace NbaBackfill.Api;

/// <summary>The management URIs of an instance, as Durable Functions returns them on a 202.</summary>
public sealed record ManagementPayload(
    string Id, string StatusQueryGetUri, string SendEventPostUri, string TerminatePostUri, string PurgeHistoryDeleteUri,
    string RestartPostUri, string SuspendPostUri, string ResumePostUri);

/// <summary>
/// The HTTP API, host-agnostic: validation, 202/400/404/409 semantics, payloads. Azure Functions triggers and the
/// local host are thin mappings of requests onto these methods.
/// </summary>
public sealed class BackfillApi(
    DurableTaskClient client, IWarehouse warehouse, ApiOptions options, Func<string, ManagementPayload> managementPayload, string engine)
{
    private static readonly OrchestrationRuntimeStatus[] Active =
        [OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Suspended];

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

    private async Task<ApiResponse> StartInstanceAsync(string id, Planning.BackfillRequest request, CancellationToken ct)
    {
        var existing = await client.GetInstanceAsync(id, ct);
        if (existing is not null && Active.Contains(existing.RuntimeStatus))
        {
            return new ApiResponse(409, new ProblemDetails("https://httpstatuses.io/409", "Already running", 409,
                $"backfill {id} is {existing.RuntimeStatus}", null, id), "application/problem+json",
                new Dictionary<string, string> { ["Location"] = managementPayload(id).StatusQueryGetUri });
        }
        await client.ScheduleNewOrchestrationInstanceAsync(TaskNames.Backfill, new BackfillInput(id, request, engine), new StartOrchestrationOptions(id), ct);
        var payload = managementPayload(id);
        return new ApiResponse(202, payload, Headers: new Dictionary<string, string> { ["Location"] = payload.StatusQueryGetUri });
    }

    /// <summary>GET /api/backfills/{id}.</summary>
    public async Task<ApiResponse> GetAsync(string id, CancellationToken ct)
    {
        var meta = await client.GetInstanceAsync(id, getInputsAndOutputs: true, ct);
        if (meta is null || meta.Name != TaskNames.Backfill) return ApiResponse.NotFound($"no backfill with id {id}");
        var input = meta.ReadInputAs<BackfillInput>();
        var progress = meta.SerializedCustomStatus is null ? null : meta.ReadCustomStatusAs<ProgressSummary>();
        var outcome = meta.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? meta.ReadOutputAs<BackfillOutcome>() : null;
        Dictionary<string, int>? failures = null;
        if (input is not null)
        {
            var range = new DateRange(input.Request.From, input.Request.To);
            failures = [];
            foreach (var p in input.Request.Processors)
            {
                foreach (var f in await warehouse.ReadUnresolvedFailuresAsync(p, range, ct))
                {
                    failures[f.FailureCategory] = failures.GetValueOrDefault(f.FailureCategory) + 1;
                }
            }
        }
        return ApiResponse.Ok(new
        {
            id, runtimeStatus = meta.RuntimeStatus.ToString(), createdAt = meta.CreatedAt, lastUpdatedAt = meta.LastUpdatedAt,
            from = input?.Request.From, to = input?.Request.To, processors = input?.Request.Processors.Select(p => p.ToString()),
            status = outcome?.Status, progress = outcome?.Progress ?? progress, failuresByCategory = failures,
            reconciliation = outcome?.Reconciliation, failure = meta.FailureDetails?.ErrorMessage,
        });
    }

    /// <summary>GET /api/backfills?status=Running&amp;from=…&amp;pageSize=…&amp;continuationToken=….</summary>
    public async Task<ApiResponse> ListAsync(string? status, string? from, string? pageSize, string? continuationToken, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        OrchestrationRuntimeStatus[]? statuses = null;
        if (!string.IsNullOrEmpty(status))
        {
            var parsed = status.Split(',').Select(s => Enum.TryParse<OrchestrationRuntimeStatus>(s, true, out var v) && Enum.IsDefined(v) ? v : (OrchestrationRuntimeStatus?)null).ToList();
            if (parsed.Any(p => p is null)) errors.Add(new FieldError("status", $"unknown status (known: {string.Join(", ", Enum.GetNames<OrchestrationRuntimeStatus>())})"));
            else statuses = parsed.Select(p => p!.Value).ToArray();
        }
        DateTimeOffset? createdFrom = null;
        if (!string.IsNullOrEmpty(from))
        {
            if (DateOnly.TryParseExact(from, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) createdFrom = new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            else errors.Add(new FieldError("from", $"not a date in YYYY-MM-DD form: {from}"));
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
        var meta = await client.GetInstanceAsync(id, ct);
        if (meta is null || meta.Name != TaskNames.Backfill) return ApiResponse.NotFound($"no backfill with id {id}");
        if (!Active.Contains(meta.RuntimeStatus)) return ApiResponse.Problem(409, "Not running", $"backfill {id} is {meta.RuntimeStatus}");
        await client.TerminateInstanceAsync(id, new TerminateInstanceOptions("terminated through the API"), ct);
        return new ApiResponse(202, new { id, status = "terminating" });
    }

    /// <summary>POST /api/backfills/{id}/retry[?correctableOnly=true].</summary>
    public async Task<ApiResponse> RetryAsync(string id, string? correctableOnly, CancellationToken ct)
    {
        if (correctableOnly is not (null or "" or "true" or "false")) return ApiResponse.BadRequest([new FieldError("correctableOnly", "must be true or false")]);
        var run = await RetryPlanning.FindRunAsync(warehouse, id, ct);
        var meta = await client.GetInstanceAsync(id, getInputsAndOutputs: true, ct);
        if (run is null && meta?.ReadInputAs<BackfillInput>() is null) return ApiResponse.NotFound($"no backfill run with id {id}");
        if (meta is not null && Active.Contains(meta.RuntimeStatus)) return ApiResponse.Problem(409, "Still running", $"backfill {id} is {meta.RuntimeStatus}");
        if (run is null)
        {
            // Stopped before it planned anything: a retry is the whole request again.
            return await StartInstanceAsync(id + "-retry1", meta!.ReadInputAs<BackfillInput>()!.Request, ct);
        }
        var retry = await RetryPlanning.PlanAsync(warehouse, run, correctableOnly == "true", ct);
        if (retry is null) return ApiResponse.Ok(new { id, retry = (string?)null, detail = "nothing to retry" });
        return await StartInstanceAsync(retry.RetryRunId, retry.Request, ct);
    }

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
            }),
        });
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
