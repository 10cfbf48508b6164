using NbaBackfill.Planning;
using NbaBackfill.Tables;
using NbaBackfill.Warehouse;

namespace NbaBackfill.Orchestration;

/// <summary>
/// A terminated instance never runs its orchestrator again, so nothing else would say it stopped: its run row
/// becomes Terminated and its unfinished nodes 'terminated'. A later run of the same request then starts afresh
/// instead of "resuming" it.
/// </summary>
public static class RunTermination
{
    public static async Task RecordAsync(IWarehouse warehouse, string runId, DateTimeOffset now, CancellationToken ct)
    {
        var run = (await warehouse.ReadWhereAsync(TableCatalog.BackfillRuns, "run_id", runId, ct)).Select(r => RunRow.From(new Row(r))).SingleOrDefault();
        if (run is null || run.Status != RunStatus.Running) return;
        var unfinished = (await warehouse.ReadWhereAsync(TableCatalog.BackfillStatus, "run_id", runId, run.StatusDates, ct)).Select(r => StatusRow.From(new Row(r)))
            .Where(s => s.Status is NodeStatus.Pending or NodeStatus.Running)
            .Select(s => (ITableRow)(s with { Status = NodeStatus.Terminated, ErrorMessage = "run terminated", CompletedAt = now })).ToList();
        await warehouse.UpsertAsync(TableCatalog.BackfillStatus, unfinished, ct);
        await warehouse.UpsertAsync(TableCatalog.BackfillRuns, [run with { Status = RunStatus.Terminated, CompletedAt = now }], ct);
    }
}
