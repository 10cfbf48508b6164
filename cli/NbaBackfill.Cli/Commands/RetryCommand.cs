using System.CommandLine;
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
            await using var warehouse = await CommonOptions.OpenWarehouseAsync(CommonOptions.DbPath(result, db, env), env, ct);
            var id = result.GetValue(run);
            var original = await RetryPlanning.FindRunAsync(warehouse, id, ct)
                ?? throw new UsageException(id is null ? "no runs to retry" : $"unknown run '{id}'");
            var retry = await RetryPlanning.PlanAsync(warehouse, original, result.GetValue(correctableOnly), ct);
            if (retry is null)
            {
                await env.Out.WriteLineAsync($"nothing to retry in run {original.RunId}");
                return ExitCodes.Complete;
            }
            if (!result.GetValue(json))
            {
                await env.Out.WriteLineAsync($"retrying {retry.Seeds} node(s) of {original.RunId} and {retry.Downstream} downstream node(s) as {retry.RetryRunId}");
            }
            return await RunCommand.ExecuteAsync(env, warehouse, retry.Request, retry.RetryRunId,
                new RunCommand.EngineChoice(engineName, result.GetValue(storage), result.GetValue(taskHub)!), result.GetValue(json), ct);
        });
        return command;
    }
}
