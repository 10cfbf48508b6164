using System.Text.Json;
using NbaBackfill.Calendar;
using NbaBackfill.Planning;
using NbaBackfill.Processors;
using NbaBackfill.Reconciliation;
using NbaBackfill.Tables;
using NbaBackfill.Warehouse;

namespace NbaBackfill.Orchestration;

/// <summary>What a retry of a run re-runs (shared by the CLI, the local API and Azure Functions).</summary>
public static class RetryPlanning
{
    public sealed record RetryPlan(string RetryRunId, BackfillRequest Request, int Seeds, int Downstream);

    /// <summary>The request a run was started with, read back from backfill_runs.</summary>
    public static BackfillRequest RequestOf(RunRow run)
    {
        using var options = JsonDocument.Parse(run.Options);
        var root = options.RootElement;
        return new BackfillRequest(run.FromDate, run.ToDate,
            run.Processors.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(ProcessorIds.Parse).ToList(),
            (OnFailure)root.GetProperty("OnFailure").GetInt32(), root.GetProperty("MaxParallel").GetInt32(), root.GetProperty("BatchSize").GetInt32());
    }

    /// <returns>null when nothing needs to run again.</returns>
    /// <remarks>Forced: a retry is asked for by name, so its nodes run whether their versions say fresh or not.</remarks>
    public static async Task<RetryPlan?> PlanAsync(IWarehouse warehouse, RunRow run, bool correctableOnly, CancellationToken ct)
    {
        var request = RequestOf(run);
        var range = new DateRange(request.From, request.To);
        var seeds = new HashSet<NodeKey>();
        if (correctableOnly)
        {
            foreach (var p in request.Processors)
            {
                foreach (var f in await warehouse.ReadUnresolvedFailuresAsync(p, range, ct))
                {
                    if (f.IsCorrectable) seeds.Add(new NodeKey(p, f.AnalysisDate));
                }
            }
        }
        else
        {
            foreach (var s in (await warehouse.ReadWhereAsync(TableCatalog.BackfillStatus, "run_id", run.RunId, run.StatusDates, ct)).Select(r => StatusRow.From(new Row(r))))
            {
                if (s.Status is NodeStatus.Failed or NodeStatus.Blocked or NodeStatus.Terminated) seeds.Add(new NodeKey(ProcessorIds.Parse(s.Processor), s.TargetDate));
            }
        }
        // Raw rows that appeared since (a fixed data gap) show as unaccounted entities: those nodes must run again too.
        foreach (var r in await ReconciliationReader.ReconcileAsync(warehouse, range, request.Processors, ct))
        {
            foreach (var d in r.Dates.Where(d => d.Counts.Unaccounted > 0)) seeds.Add(new NodeKey(r.Processor, d.Date));
        }
        var full = await BackfillActivities.PlanOnlyAsync(warehouse, request with { Preflight = PreflightMode.Skip }, ct);
        var nodes = BackfillPlanner.Downstream(full, seeds);
        if (nodes.Count == 0) return null;
        var runs = (await warehouse.ReadAllAsync(TableCatalog.BackfillRuns, null, ct)).Select(r => RunRow.From(new Row(r)));
        var retries = runs.Count(r => r.RunId.StartsWith(run.RunId + "-retry", StringComparison.Ordinal));
        return new RetryPlan($"{run.RunId}-retry{retries + 1}", request with { Only = nodes, Preflight = PreflightMode.Add, Force = true }, seeds.Count, nodes.Count - seeds.Count);
    }

    public static async Task<RunRow?> FindRunAsync(IWarehouse warehouse, string? runId, CancellationToken ct)
    {
        var runs = (await warehouse.ReadAllAsync(TableCatalog.BackfillRuns, null, ct)).Select(r => RunRow.From(new Row(r))).OrderBy(r => r.StartedAt).ToList();
        return runId is null
            ? runs.LastOrDefault(r => !r.RunId.Contains("-retry", StringComparison.Ordinal)) ?? runs.LastOrDefault()
            : runs.FirstOrDefault(r => r.RunId == runId);
    }
}
