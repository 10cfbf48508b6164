using System.CommandLine;
using NbaBackfill.Api;
using NbaBackfill.Engines;
using NbaBackfill.Landing;
using NbaBackfill.Orchestration;
using NbaBackfill.Raw;
using NbaBackfill.Warehouse;

namespace NbaBackfill.Cli.Commands;

/// <summary>
/// daily: one tick of the daily timer, here and now: ingest the dates landed or re-landed in the catch-up window, then
/// compute every stale or never-run node of the window and wait for it (what the Functions timer does on Azure).
/// </summary>
internal static class DailyCommand
{
    public static Command Create(CliEnvironment env)
    {
        var landingOption = new Option<string>("--landing") { Description = "local (default: .nba/landing, where load lands) or blob", DefaultValueFactory = _ => "local" };
        var container = new Option<string>("--container") { Description = "blob landing container (default raw)", DefaultValueFactory = _ => "raw" };
        var storage = LandCommand.Storage();
        var today = CommonOptions.DateOption("--today", "the tick's date, YYYY-MM-DD (default: today, UTC); the window ends the day before");
        var catchUp = new Option<int>("--catch-up-days") { Description = "days before today in the window (1-60, default 7)", DefaultValueFactory = _ => 7 };
        var db = CommonOptions.Db();
        var command = new Command("daily", "One tick of the daily run: ingest landed dates, compute what is stale in the window") { landingOption, container, storage, today, catchUp, db };
        command.SetAction(async (result, ct) =>
        {
            var days = result.GetValue(catchUp);
            if (days is < 1 or > 60) throw new UsageException($"--catch-up-days: {days} is not between 1 and 60");
            var day = result.GetValue(today);
            var dbPath = CommonOptions.DbPath(result, db, env);
            IRawLanding landing = result.GetValue(landingOption) switch
            {
                "local" => new LocalFolderLanding(CommonOptions.LandingRoot(dbPath)),
                "blob" => new BlobRawLanding(LandCommand.Container(result.GetValue(storage), result.GetValue(container)!, env)),
                var other => throw new UsageException($"--landing: '{other}' is not local or blob"),
            };
            await using var warehouse = await CommonOptions.OpenWarehouseAsync(dbPath, env, ct);
            await using var engine = await InProcessEngine.StartAsync(warehouse, env.Time, ct);
            var tick = await new DailyRunner(engine.Client, warehouse, env.Time, engine.Name, days, landing).TickWithIngestAsync(ct, day);
            foreach (var d in tick.Ingest.Ingested) await env.Out.WriteLineAsync($"ingested {d.Season} {d.Date:yyyy-MM-dd}");
            foreach (var (d, error) in tick.Ingest.Skipped) await env.Out.WriteLineAsync($"not ingested {d.Season} {d.Date:yyyy-MM-dd}: {error}");
            foreach (var d in tick.Decisions) await env.Out.WriteLineAsync($"{d.Date:yyyy-MM-dd} {d.Action}: {d.Reason}");
            var exit = ExitCodes.Complete;
            foreach (var runId in tick.Decisions.Where(d => d.Action == DailyAction.Started).Select(d => d.RunId!).Distinct())
            {
                var outcome = await new BackfillRunner(engine, warehouse, env.Time).FollowAsync(runId, null, ct);
                await env.Out.WriteLineAsync(RunCommand.DescribeOutcome(outcome));
                if (outcome.Status != RunStatus.Completed) exit = ExitCodes.FinishedWithFailures;
            }
            return exit;
        });
        return command;
    }
}
