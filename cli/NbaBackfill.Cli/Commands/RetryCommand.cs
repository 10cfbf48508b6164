using System.CommandLine;
using System.Text.Json;
using NbaBackfill.Calendar;
using NbaBackfill.Orchestration;
using NbaBackfill.Planning;
using NbaBackfill.Processors;
using NbaBackfill.Reconciliation;
using NbaBackfill.Tables;
using NbaBackfill.Warehouse;

namespace NbaBackfill.Cli.Commands;

/// <summary>
/// retry [RUN]: re-runs a run's failed and blocked nodes (or, with --correctable-only, the nodes holding correctable
/// failures after the raw data was fixed and reloaded), plus everything downstream that reads them. Failures whose
/// entities now get rows become RESOLVED.
/// </summary>
internal static class RetryCommand
{
    public static Command Create(CliEnvironment env)
    {
        var run = new Argument<string?>("run") { Description = "run id (default: the latest run)", Arity = ArgumentArity.ZeroOrOne };
        var correctableOnly = new Option<bool>("--correctable-only") { Description = "only nodes with is_correctable failures (after fixing raw data)" };
        var db = CommonOptions.Db();
        var json = CommonOptions.Json();
        var engineOption = new Option<string>("--engine") { Description = "inprocess (default) or azurestorage", DefaultValueFactory = _ => "inprocess" };
        var storage = new Option<string?>("--storage") { Description = "azurestorage: connection string" };
        var taskHub = new Option<string>("--task-hub") { Description = "azurestorage: task hub name", DefaultValueFactory = _ => "nbabackfill" };
        var command = new Command("retry", "Re-run failed/blocked nodes of a run (or its correctable failures)") { run, correctableOnly, db, json, engineOption, storage, taskHub };
        command.SetAction(async (result, ct) =>
        {
            var engineName = result.GetValue(engineOption)!;
            if (engineName is not ("inprocess" or "azurestorage")) throw new UsageException($"--engine: '{engineName}' is not inprocess or azurestorage");
            await using var warehouse = await CommonOptions.OpenWarehouseAsync(CommonOptions.DbPath(result, db, env), ct);
            var runs = (await warehouse.ReadAllAsync(TableCatalog.BackfillRuns, null, ct)).Select(r => RunRow.From(new Row(r))).OrderBy(r => r.StartedAt).ToList();
            var id = result.GetValue(run);
            var original = id is null ? runs.LastOrDefault(r => !r.RunId.Contains("-retry", StringComparison.Ordinal)) ?? runs.LastOrDefault()
                : runs.FirstOrDefault(r => r.RunId == id);
            if (original is null) throw new UsageException(id is null ? "no runs to retry" : $"unknown run '{id}'");

            var request = RequestOf(original);
            var seeds = await SeedsAsync(warehouse, original, request, result.GetValue(correctableOnly), ct);
            var full = await BackfillActivities.PlanOnlyAsync(warehouse, request with { Preflight = PreflightMode.Skip, Only = null }, ct);
            var nodes = BackfillPlanner.Downstream(full, seeds);
            if (nodes.Count == 0)
            {
                await env.Out.WriteLineAsync($"nothing to retry in run {original.RunId}");
                return ExitCodes.Complete;
            }
            var retries = runs.Count(r => r.RunId.StartsWith(original.RunId + "-retry", StringComparison.Ordinal));
            var retryId = $"{original.RunId}-retry{retries + 1}";
            if (!result.GetValue(json))
            {
                await env.Out.WriteLineAsync($"retrying {seeds.Count} node(s) of {original.RunId} and {nodes.Count - seeds.Count} downstream node(s) as {retryId}");
            }
            return await RunCommand.ExecuteAsync(env, warehouse, request with { Only = nodes, Preflight = PreflightMode.Add }, retryId,
                new RunCommand.EngineChoice(engineName, result.GetValue(storage), result.GetValue(taskHub)!), result.GetValue(json), ct);
        });
        return command;
    }

    private static BackfillRequest RequestOf(RunRow run)
    {
        using var options = JsonDocument.Parse(run.Options);
        var root = options.RootElement;
        return new BackfillRequest(run.FromDate, run.ToDate, CommonOptions.Processors(run.Processors),
            (OnFailure)root.GetProperty("OnFailure").GetInt32(), root.GetProperty("MaxParallel").GetInt32(), root.GetProperty("BatchSize").GetInt32());
    }

    /// <summary>Nodes to re-run: failed/blocked (or correctable-failure) nodes, and any node with unaccounted entities.</summary>
    private static async Task<HashSet<NodeKey>> SeedsAsync(IWarehouse warehouse, RunRow run, BackfillRequest request, bool correctableOnly, CancellationToken ct)
    {
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
            foreach (var s in (await warehouse.ReadWhereAsync(TableCatalog.BackfillStatus, "run_id", run.RunId, ct)).Select(r => StatusRow.From(new Row(r))))
            {
                if (s.Status is "failed" or "blocked") seeds.Add(new NodeKey(ProcessorIds.Parse(s.Processor), s.TargetDate));
            }
        }
        // Raw rows that appeared since (a fixed data gap) show as unaccounted entities: those nodes must run again too.
        foreach (var r in await ReconciliationReader.ReconcileAsync(warehouse, range, request.Processors, ct))
        {
            foreach (var d in r.Dates.Where(d => d.Counts.Unaccounted > 0)) seeds.Add(new NodeKey(r.Processor, d.Date));
        }
        return seeds;
    }
}
