using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using NbaBackfill.Calendar;
using NbaBackfill.Engines;
using NbaBackfill.Landing;
using NbaBackfill.Orchestration;
using NbaBackfill.Planning;
using NbaBackfill.Processors;
using NbaBackfill.Raw;
using NbaBackfill.Validation;
using NbaBackfill.Warehouse;

namespace NbaBackfill.Cli.Commands;

/// <summary>run / plan: the orchestrated backfill of a date range through the DAG, on a durable engine.</summary>
internal static class RunCommand
{
    public static Command Create(CliEnvironment env, bool dryRunOnly)
    {
        var from = CommonOptions.From(required: false);
        var to = CommonOptions.To(required: false);
        var stale = new Option<bool>("--stale") { Description = "every stale node of the warehouse, whatever its date (instead of --from/--to)" };
        var force = new Option<bool>("--force") { Description = "compute every node of the range, fresh or not" };
        var db = CommonOptions.Db();
        var json = CommonOptions.Json();
        var seasonDir = new Option<string?>("--season-dir") { Description = "load this season folder first" };
        var processors = new Option<string?>("--processors") { Description = "comma-separated subset (default: all six)" };
        var onFailure = CommonOptions.WordOption("--on-failure", "stop (default) or continue", BackfillRules.OnFailureNames, OnFailure.Stop);
        var maxParallel = new Option<int>("--max-parallel") { Description = $"activities at once (default {BackfillRules.DefaultMaxParallel})", DefaultValueFactory = _ => BackfillRules.DefaultMaxParallel };
        var batchSize = new Option<int>("--batch-size") { Description = $"contiguous dates per activity (default {BackfillRules.DefaultBatchSize}: per-activity overhead dominates)", DefaultValueFactory = _ => BackfillRules.DefaultBatchSize };
        var engineOption = new Option<string>("--engine") { Description = "inprocess (default) or azurestorage", DefaultValueFactory = _ => "inprocess" };
        var storage = new Option<string?>("--storage") { Description = "azurestorage: connection string (default: $NBA_DURABLE_STORAGE or UseDevelopmentStorage=true)" };
        var taskHub = new Option<string>("--task-hub") { Description = "azurestorage: task hub name", DefaultValueFactory = _ => "nbabackfill" };
        var dryRun = new Option<bool>("--dry-run") { Description = "print the plan, run nothing" };
        var skipPreflight = new Option<bool>("--skip-preflight") { Description = "do not check upstream outside the range (recorded on the run)" };
        var caps = new Option<string?>("--processor-caps") { Description = "per-processor activity caps, e.g. PDC=1,MLFS=2 (a warehouse's own concurrency limits)" };
        var faults = new Option<double>("--inject-faults") { Description = "chaos: fail this share of warehouse writes with transient errors (0..0.5, default 0)" };
        var faultSeed = new Option<int>("--fault-seed") { Description = "seed of --inject-faults", DefaultValueFactory = _ => 1 };
        var reportsContainer = new Option<string?>("--reports-container") { Description = "write run reports to this Blob container (reports/{run-id}/) instead of .nba/reports/" };
        var preflight = CommonOptions.WordOption("--preflight", "add (default): plan missing upstream; refuse: exit 3 listing it", BackfillRules.PreflightNames, PreflightMode.Add);
        var command = new Command(dryRunOnly ? "plan" : "run", dryRunOnly ? "Show the plan of a backfill (= run --dry-run)" : "Backfill a date range through all processors, durably")
        {
            from, to, db, json, seasonDir, processors, onFailure, maxParallel, batchSize, engineOption, storage, taskHub, skipPreflight, preflight,
            faults, faultSeed, reportsContainer, caps, stale, force,
        };
        if (!dryRunOnly) command.Options.Add(dryRun);
        command.SetAction(async (result, ct) =>
        {
            var staleOnly = result.GetValue(stale);
            if (staleOnly && (result.GetValue(from) is not null || result.GetValue(to) is not null || result.GetValue(force)))
            {
                throw new UsageException("--stale takes no --from/--to/--force: it runs every stale node of the warehouse");
            }
            var range = staleOnly ? new DateRange(DateRange.Earliest, DateRange.Earliest) : CommonOptions.Range(result, from, to);
            var policy = result.GetValue(onFailure);
            var parallel = result.GetValue(maxParallel);
            var batch = result.GetValue(batchSize);
            var engineName = result.GetValue(engineOption);
            if (engineName is not ("inprocess" or "azurestorage"))
            {
                throw new UsageException($"--engine: '{engineName}' is not inprocess or azurestorage");
            }
            var hub = result.GetValue(taskHub)!;
            if (!Validation.Identifiers.IsTaskHub(hub))
            {
                throw new UsageException($"--task-hub: '{hub}' must be 3-45 letters or digits, starting with a letter");
            }
            var mode = result.GetValue(skipPreflight) ? PreflightMode.Skip : result.GetValue(preflight);
            var request = new BackfillRequest(range.From, range.To, CommonOptions.Processors(result.GetValue(processors)), policy, parallel, batch, mode,
                ParseCaps(result.GetValue(caps)), Force: result.GetValue(force));
            CommonOptions.Require(BackfillRules.Check(request)); // the API's rules too (bar its range bound)
            var asJson = result.GetValue(json);

            var faultRate = result.GetValue(faults);
            if (faultRate is < 0 or > 0.5) throw new UsageException($"--inject-faults: {faultRate} is not between 0 and 0.5");
            var dbPath = CommonOptions.DbPath(result, db, env);
            await using var opened = await CommonOptions.OpenWarehouseAsync(dbPath, env, ct);
            IWarehouse warehouse = faultRate > 0 ? new FaultInjectingWarehouse(opened, faultRate, result.GetValue(faultSeed)) : opened;
            if (result.GetValue(seasonDir) is { } dir)
            {
                if (!Directory.Exists(dir)) throw new UsageException($"--season-dir: folder '{dir}' does not exist");
                var loaded = await SeasonLoader.LoadAsync(new FolderRawSource(dir), Path.GetFullPath(dir), warehouse,
                    new LocalFolderLanding(CommonOptions.LandingRoot(dbPath)), env.Time, null, ct);
                if (!asJson) await env.Out.WriteLineAsync($"loaded season {loaded.Season}: {loaded.BoxScores} box-score rows, {loaded.Rejects} rejected");
            }

            string? runId = null;
            if (staleOnly)
            {
                var loaded = await StaleRuns.LoadedRangeAsync(warehouse, ct);
                var scan = loaded is { } all ? await StaleRuns.ScanAsync(warehouse, all, request, Versions.CodeVersions.Declared, ct) : null;
                if (scan?.Request is not { } staleRequest)
                {
                    await env.Out.WriteLineAsync(asJson ? JsonSerializer.Serialize(new { computed = 0, skipped_fresh = 0, stale = 0 }) : "nothing stale");
                    return ExitCodes.Complete;
                }
                (request, runId) = (staleRequest, StaleRuns.RunId(staleRequest));
                if (!asJson) await env.Out.WriteLineAsync($"{scan.Stale.Count} stale node(s); {staleRequest.Only!.Count} to run or check, {staleRequest.From:yyyy-MM-dd}..{staleRequest.To:yyyy-MM-dd}");
            }

            if (dryRunOnly || result.GetValue(dryRun))
            {
                var (plan, bootstrap) = await BackfillActivities.PreviewAsync(warehouse, request, ct);
                await env.Out.WriteLineAsync(asJson ? PlanJson(plan, bootstrap) : DescribePlan(plan, bootstrap));
                return plan.Refused ? ExitCodes.PreflightRefused : ExitCodes.Complete;
            }

            IRunReportSink reports = result.GetValue(reportsContainer) is { } rc
                ? new BlobRunReportSink(LandCommand.Container(result.GetValue(storage) ?? env.Variable("NBA_STORAGE"), rc, env))
                : new FolderRunReportSink(Path.Combine(CommonOptions.WorkDir(dbPath), "reports"));
            return await ExecuteAsync(env, warehouse, request, runId, new EngineChoice(engineName, result.GetValue(storage), hub), asJson, ct, reports);
        });
        return command;
    }

    /// <summary>Which durable engine to run on, and where its state lives.</summary>
    internal sealed record EngineChoice(string Name, string? Storage, string TaskHub)
    {
        public async Task<IBackfillEngine> StartAsync(CliEnvironment env, IWarehouse warehouse, CancellationToken ct, IRunReportSink? reports = null) =>
            Name == "azurestorage"
                ? await AzureStorageEngine.StartAsync(Storage ?? env.Variable("NBA_DURABLE_STORAGE") ?? "UseDevelopmentStorage=true", TaskHub, warehouse, env.Time, ct, reports,
                    VisibilityTimeout(env))
                : await InProcessEngine.StartAsync(warehouse, env.Time, ct, reports);
    }

    /// <summary>NBA_DURABLE_VISIBILITY_SECONDS (2-600, default 10): above the longest activity, and the resume delay after a crash.</summary>
    internal static TimeSpan? VisibilityTimeout(CliEnvironment env)
    {
        if (env.Variable("NBA_DURABLE_VISIBILITY_SECONDS") is not { Length: > 0 } text) return null;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds is >= 2 and <= 600
            ? TimeSpan.FromSeconds(seconds)
            : throw new UsageException($"NBA_DURABLE_VISIBILITY_SECONDS='{text}': must be a whole number from 2 to 600");
    }

    /// <summary>Starts the engine, starts or resumes the run, follows it, prints the outcome, maps it to an exit code.</summary>
    internal static async Task<int> ExecuteAsync(
        CliEnvironment env, IWarehouse warehouse, BackfillRequest request, string? runId, EngineChoice choice, bool asJson, CancellationToken ct,
        IRunReportSink? reports = null)
    {
        await using var engine = await choice.StartAsync(env, warehouse, ct, reports);
        var runner = new BackfillRunner(engine, warehouse, env.Time);
        var resumed = false;
        if (runId is null) (runId, resumed) = await runner.ChooseRunIdAsync(request, ct);
        if (!asJson) await env.Out.WriteLineAsync($"{(resumed ? "resuming" : "starting")} run {runId} on the {engine.Name} engine ({warehouse.Describe})");
        var progress = new ProgressReporter(env);
        using var span = runner.StartRunSpan(runId);
        // The API's admission rule and gate: a task hub shared with `serve` or the Functions app (azurestorage) may
        // hold an active run on the same (processor, date) nodes.
        var admission = await Api.RunGate.AdmitAsync(engine.Client, runId, request, resumesSameId: true, () => runner.StartAsync(request, runId, ct), ct);
        if (admission.Conflicts.Count > 0) throw new UsageException(RunAdmission.Refusal(admission.Conflicts));
        var outcome = await runner.FollowAsync(runId, asJson ? null : progress.Report, ct);
        progress.Complete();
        await env.Out.WriteLineAsync(asJson ? OutcomeJson(outcome) : DescribeOutcome(outcome));
        return outcome.Status switch
        {
            RunStatus.Completed => ExitCodes.Complete,
            RunStatus.Refused => ExitCodes.PreflightRefused,
            _ => ExitCodes.FinishedWithFailures,
        };
    }

    internal static IReadOnlyDictionary<ProcessorId, int>? ParseCaps(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var caps = new Dictionary<ProcessorId, int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var kv = part.Split('=');
            if (kv.Length != 2 || !int.TryParse(kv[1], CultureInfo.InvariantCulture, out var n) || n < 1)
                throw new UsageException($"--processor-caps: '{part}' is not PROCESSOR=N with N >= 1");
            caps[CommonOptions.Processor(kv[0])] = n;
        }
        return caps;
    }

    internal static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    /// <summary>The outcome, with the node counts a script checks first: computed and skipped_fresh.</summary>
    internal static string OutcomeJson(BackfillOutcome outcome)
    {
        var node = JsonSerializer.SerializeToNode(outcome, JsonOptions)!.AsObject();
        node["computed"] = outcome.Progress.Computed;
        node["skipped_fresh"] = outcome.Progress.SkippedFresh;
        return node.ToJsonString(JsonOptions);
    }

    internal static string ProgressLine(ProgressSummary p) =>
        string.Create(CultureInfo.InvariantCulture,
            $"wave {p.Wave}: {p.Succeeded}/{p.TotalNodes} nodes done, {p.Failed} failed, {p.Blocked} blocked | ") +
        string.Join(" ", p.Processors.Select(kv => $"{kv.Key} {kv.Value.Succeeded}/{kv.Value.Total}"));

    internal static string DescribeOutcome(BackfillOutcome o)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"run {o.RunId}: {o.Status} — {o.Progress.Succeeded}/{o.Progress.TotalNodes} nodes succeeded ({o.Progress.Computed} computed, {o.Progress.SkippedFresh} fresh), {o.Progress.Failed} failed, {o.Progress.Blocked} blocked, {o.Progress.Pending} not run; {o.Progress.RowsWritten} rows, {o.Progress.FailuresWritten} failure records");
        foreach (var (error, count) in o.Progress.FailedNodesByError) sb.AppendLine(CultureInfo.InvariantCulture, $"  {count} node(s) failed: {error}");
        if (o.MissingUpstream.Count > 0)
        {
            sb.AppendLine("pre-flight refused: missing upstream outside the range:");
            foreach (var g in o.MissingUpstream.GroupBy(n => n.Processor)) sb.AppendLine(CultureInfo.InvariantCulture, $"  {g.Key}: {g.Count()} date(s), {g.First().Date:yyyy-MM-dd} .. {g.Last().Date:yyyy-MM-dd}");
        }
        if (o.Reconciliation.Count > 0)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"{"processor",-10}{"expected",10}{"record",10}{"failure",10}{"unaccounted",13}{"orphans",9}{"both",6}{"coverage",10}");
            foreach (var r in o.Reconciliation)
                sb.AppendLine(CultureInfo.InvariantCulture, $"{r.Processor,-10}{r.Expected,10}{r.HasRecord,10}{r.HasFailure,10}{r.Unaccounted,13}{r.Orphans,9}{r.Both,6}{r.Coverage,10:P1}");
        }
        return sb.ToString().TrimEnd();
    }

    internal static string DescribePlan(BackfillPlan plan, IReadOnlyDictionary<ProcessorId, int> bootstrap)
    {
        var sb = new StringBuilder();
        var r = plan.Request;
        sb.AppendLine(CultureInfo.InvariantCulture, $"plan {r.From:yyyy-MM-dd}..{r.To:yyyy-MM-dd}: {plan.GameDates.Count} game date(s), {plan.NoGameDates.Count} NO_GAMES date(s), {plan.Nodes.Count} node(s)");
        foreach (var g in plan.Nodes.GroupBy(n => n.Processor)) sb.AppendLine(CultureInfo.InvariantCulture, $"  {g.Key,-5} {g.Count(),4} node(s) {g.First().Date:yyyy-MM-dd} .. {g.Last().Date:yyyy-MM-dd}");
        if (plan.NoGameDates.Count > 0) sb.AppendLine("  NO_GAMES: " + string.Join(", ", plan.NoGameDates.Select(DateRange.Format)));
        var (waves, batches) = Simulate(plan);
        sb.AppendLine(CultureInfo.InvariantCulture, $"  waves: {waves}, activities: {batches} (batch size {r.BatchSize}, max parallel {r.MaxParallel}, on failure {r.OnFailure.ToString().ToLowerInvariant()})");
        if (bootstrap.Count > 0)
        {
            sb.AppendLine("  expected bootstrap failures (INSUFFICIENT_DATA, not bugs): " + string.Join(", ", bootstrap.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} {kv.Value}")) + " (and what inherits them downstream)");
        }
        if (plan.PreflightSkipped) sb.AppendLine("  pre-flight: SKIPPED (--skip-preflight, recorded on the run)");
        else if (plan.Refused)
        {
            sb.AppendLine("  pre-flight: REFUSED, upstream outside the range is missing:");
            foreach (var g in plan.MissingUpstream.GroupBy(n => n.Processor)) sb.AppendLine(CultureInfo.InvariantCulture, $"    {g.Key}: {g.Count()} date(s) {g.First().Date:yyyy-MM-dd} .. {g.Last().Date:yyyy-MM-dd}");
        }
        else if (plan.AddedByPreflight.Count > 0)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"  pre-flight: added {plan.AddedByPreflight.Count} missing upstream node(s):");
            foreach (var g in plan.AddedByPreflight.GroupBy(n => n.Processor)) sb.AppendLine(CultureInfo.InvariantCulture, $"    {g.Key}: {g.Count()} date(s) {g.First().Date:yyyy-MM-dd} .. {g.Last().Date:yyyy-MM-dd}");
        }
        else sb.AppendLine("  pre-flight: ok, all upstream outside the range exists");
        return sb.ToString().TrimEnd();
    }

    private static string PlanJson(BackfillPlan plan, IReadOnlyDictionary<ProcessorId, int> bootstrap)
    {
        var (waves, batches) = Simulate(plan);
        return JsonSerializer.Serialize(new
        {
            from = plan.Request.From, to = plan.Request.To, game_dates = plan.GameDates.Count, no_game_dates = plan.NoGameDates,
            nodes = plan.Nodes.GroupBy(n => n.Processor.ToString()).ToDictionary(g => g.Key, g => g.Count()),
            waves, activities = batches, expected_bootstrap_failures = bootstrap.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value), preflight = plan.PreflightSkipped ? "skipped" : plan.Refused ? "refused" : "ok",
            added_by_preflight = plan.AddedByPreflight.Count, missing_upstream = plan.MissingUpstream.Select(n => new { processor = n.Processor.ToString(), date = n.Date }),
        }, JsonOptions);
    }

    /// <summary>Waves and activities if every node succeeds.</summary>
    internal static (int Waves, int Batches) Simulate(BackfillPlan plan)
    {
        if (plan.Refused) return (0, 0);
        var state = BackfillState.Start(plan);
        int waves = 0, batches = 0;
        while (BackfillScheduler.Next(plan, state) is { Count: > 0 } next)
        {
            waves++;
            batches += next.Count;
            foreach (var b in next)
                state = BackfillScheduler.Apply(plan, state, b, b.Nodes.Select(i => new NodeOutcome(i, true, 0, 0, null)).ToList(), null);
        }
        return (waves, batches);
    }
}
