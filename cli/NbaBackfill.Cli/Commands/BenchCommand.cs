using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using NbaBackfill.Calendar;
using NbaBackfill.Engines;
using NbaBackfill.Failures;
using NbaBackfill.Landing;
using NbaBackfill.Orchestration;
using NbaBackfill.Planning;
using NbaBackfill.Processors;
using NbaBackfill.Raw;
using NbaBackfill.Reconciliation;
using NbaBackfill.Validation;
using NbaBackfill.Warehouse;
using NbaBackfill.Warehouse.DuckDb;

namespace NbaBackfill.Cli.Commands;

/// <summary>
/// bench: the bundled season measured side by side in one run — the seeds' way (each processor alone, one date per
/// call), NbaBackfill's orchestrated default, and the floor (each processor once over the season) — plus the daily run
/// and a two-season run. Each phase runs in its own child process on its own database, so peak RSS is its own.
/// </summary>
internal static class BenchCommand
{
    public static readonly string[] Phases = ["seeds", "orchestrated", "floor", "limit", "daily", "two-seasons", "rerun-unchanged"];

    /// <param name="Seconds">The timed pass: steady state (the last pass in its process, after the warm ones) for the phases that warm up.</param>
    /// <param name="FirstPassSeconds">The same pass, first in its process (code not yet compiled); null if not warmed.</param>
    /// <param name="GcPauseSeconds">The garbage collector's pauses within the timed pass (part of its wall time).</param>
    /// <param name="Parts">The orchestrated run's wall time by part (<see cref="RunTimeline"/>), seconds.</param>
    public sealed record PhaseResult(
        string Phase, double Seconds, double PeakRssMiB, int Activities, int Rows, bool ReconciliationClean, double? FirstPassSeconds = null,
        IReadOnlyDictionary<string, double>? Parts = null, double GcPauseSeconds = 0, double CpuSeconds = 0);

    public static Command Create(CliEnvironment env)
    {
        var json = CommonOptions.Json();
        var seasonDir = new Option<string>("--season-dir") { Description = "season folder (default: the bundled data/nba-2021-22)" };
        var seasons = new Option<int[]>("--seasons")
        {
            Description = "the scale phase instead: orchestrated runs over N synthetic seasons each (the bundled one shifted by whole years, new ids), e.g. --seasons 1 5 20",
            AllowMultipleArgumentsPerToken = true,
        };
        seasons.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int[]>() is { } counts && counts.Any(n => n is < 1 or > MaxSeasons)) r.AddError($"--seasons: each count must be 1..{MaxSeasons}");
        });
        var warehouse = CommonOptions.WordOption<string?>("--warehouse",
            "duckdb (default: the phases above) or fake-bigquery: the orchestrated run of --seasons (default 4) on the fake BigQuery at each --max-parallel, projected onto BigQuery",
            new Dictionary<string, string?> { ["duckdb"] = "duckdb", ["fake-bigquery"] = "fake-bigquery" }, null);
        var latency = CommonOptions.WordOption<string?>("--latency", "with fake-bigquery: the latency model (realistic: BigQueryLatencyModel.Realistic, the default)",
            new Dictionary<string, string?> { ["realistic"] = "realistic" }, null);
        var parallel = new Option<string>("--max-parallel") { Description = "with fake-bigquery: parallelisms to compare, e.g. 1,4,16 (the default)" };
        var batchSizes = new Option<string>("--batch-size") { Description = "with fake-bigquery: batch sizes to compare, e.g. 200,20 (default 200, the product's)" };
        var command = new Command("bench", "Benchmark: seeds' way vs orchestrated vs floor vs limit, daily run, two seasons; or --seasons N… for the scale table; or --warehouse fake-bigquery for the BigQuery projection")
        {
            json, seasonDir, seasons, warehouse, latency, parallel, batchSizes,
        };
        command.SetAction(async (result, ct) =>
        {
            var dir = result.GetValue(seasonDir) ?? BundledSeasonDir();
            if (!Directory.Exists(dir)) throw new UsageException($"--season-dir: folder '{dir}' does not exist");
            if (result.GetValue(warehouse) == "fake-bigquery")
            {
                var parallelisms = ParseCounts("--max-parallel", result.GetValue(parallel) ?? "1,4,16", BackfillRules.MaxParallelLimit);
                var batches = ParseCounts("--batch-size", result.GetValue(batchSizes) ?? BackfillRules.DefaultBatchSize.ToString(CultureInfo.InvariantCulture), BackfillRules.MaxBatchSize);
                var seasonCounts = result.GetValue(seasons) is { Length: > 0 } given ? given : [4];
                var projected = new List<BigQueryBench.Result>();
                foreach (var n in seasonCounts.Distinct().Order())
                {
                    foreach (var b in batches)
                    {
                        foreach (var p in parallelisms)
                        {
                            if (!result.GetValue(json)) await env.Error.WriteLineAsync($"bench: fake BigQuery, {n} season(s), batch size {b}, max parallel {p}…");
                            projected.Add(JsonSerializer.Deserialize<BigQueryBench.Result>(await RunChildOutputAsync(BigQueryBench.PhaseName(n, p, b), dir, ct))!);
                        }
                    }
                }
                await env.Out.WriteLineAsync(result.GetValue(json)
                    ? JsonSerializer.Serialize(new { machine = $"{PhysicalCores()} cores, {Environment.OSVersion}", latency = "realistic", phases = projected }, RunCommand.JsonOptions)
                    : BigQueryBench.Render(projected));
                return ExitCodes.Complete;
            }
            if (result.GetValue(latency) is not null || result.GetValue(parallel) is not null || result.GetValue(batchSizes) is not null)
            {
                throw new UsageException("--latency, --max-parallel and --batch-size go with --warehouse fake-bigquery");
            }
            if (result.GetValue(seasons) is { Length: > 0 } counts)
            {
                var scale = new List<PhaseResult>();
                foreach (var n in counts.Distinct().Order())
                {
                    if (!result.GetValue(json)) await env.Error.WriteLineAsync($"bench: {n} season(s)…");
                    scale.Add(await RunChildAsync($"seasons-{n}", dir, ct));
                }
                await env.Out.WriteLineAsync(result.GetValue(json)
                    ? JsonSerializer.Serialize(new { machine = $"{PhysicalCores()} cores, {Environment.OSVersion}", phases = scale }, RunCommand.JsonOptions)
                    : RenderScale(scale));
                return ExitCodes.Complete;
            }
            // This machine is shared and its speed drifts by tens of percent within minutes: the seeds' way (a minute of
            // 990 calls) runs once, the other phases in rounds, one run of each per round, so a drift reaches every phase
            // alike; each reports its median run, and each target ratio is the median of its rounds' ratios (paired runs
            // minutes apart at most, not two blocks of runs far apart).
            var runs = Phases.ToDictionary(p => p, _ => new List<PhaseResult>());
            for (var round = 1; round <= Repeats; round++)
            {
                foreach (var phase in Phases.Where(p => round == 1 || p != "seeds"))
                {
                    if (!result.GetValue(json)) await env.Error.WriteLineAsync(phase == "seeds" ? $"bench: {phase}…" : $"bench: {phase} (round {round}/{Repeats})…");
                    runs[phase].Add(await RunChildAsync(phase, dir, ct));
                }
            }
            var results = Phases.Select(p => Median(runs[p])).ToList();
            var ratios = Ratios.Of(runs);
            if (result.GetValue(json))
            {
                await env.Out.WriteLineAsync(JsonSerializer.Serialize(new
                {
                    machine = $"{PhysicalCores()} cores, {Environment.OSVersion}", phases = results,
                    // Every round's wall times, each phase's in round order (the ratios above are of these pairs).
                    rounds = runs.ToDictionary(r => r.Key, r => r.Value.Select(x => x.Seconds).ToArray()),
                    seeds_over_orchestrated = Math.Round(ratios.SeedsOverOrchestrated, 2), orchestrated_over_floor = Math.Round(ratios.OrchestratedOverFloor, 2),
                    floor_over_limit = Math.Round(ratios.FloorOverLimit, 2), daily_over_orchestrated = Math.Round(ratios.DailyOverOrchestrated, 3),
                }, RunCommand.JsonOptions));
            }
            else
            {
                await env.Out.WriteLineAsync(Render(results, ratios));
            }
            return ExitCodes.Complete;
        });
        return command;
    }

    public static Command CreatePhase(CliEnvironment env)
    {
        var phase = new Argument<string>("phase");
        var seasonDir = new Option<string>("--season-dir") { Required = true };
        var command = new Command("bench-phase", "(internal) one benchmark phase in its own process") { phase, seasonDir };
        command.Hidden = true;
        command.SetAction(async (result, ct) =>
        {
            var name = result.GetValue(phase)!;
            object outcome = name.StartsWith("bigquery-", StringComparison.Ordinal)
                ? await BigQueryBench.RunPhaseAsync(name, result.GetValue(seasonDir)!, env.Time, ct)
                : await RunPhaseAsync(name, result.GetValue(seasonDir)!, env.Time, ct);
            await env.Out.WriteLineAsync(JsonSerializer.Serialize(outcome));
            return ExitCodes.Complete;
        });
        return command;
    }

    private const int MaxSeasons = 40;

    private const int Repeats = 5;

    /// <summary>
    /// Untimed passes before the timed one. One was not enough: sampled with perf, the JIT (tier-1 recompilation of
    /// methods crossing their call count) still took 25 % of the CPU of the second pass's daily run, 11 % of the third's
    /// and 4 % of the fourth's; the orchestrated run, with more code than the floor, paid more of it (in the third pass,
    /// 0.12 CPU-s of JIT against the floor's 0.05, sampled again), as the code a run calls a few times (planning, the
    /// orchestrator's replays, finalizing) crosses its call count only after a few runs.
    /// </summary>
    internal const int WarmPasses = 4;

    /// <summary>The daily phase's ticks before the timed one, on the same engine (a running host's week of game days).</summary>
    internal const int DailyWarmTicks = 6;

    /// <summary>The target ratios, each the median over the rounds of the ratio of that round's two runs.</summary>
    internal sealed record Ratios(double SeedsOverOrchestrated, double OrchestratedOverFloor, double FloorOverLimit, double DailyOverOrchestrated)
    {
        public static Ratios Of(IReadOnlyDictionary<string, List<PhaseResult>> runs)
        {
            double Paired(string a, string b) => MedianOf(runs[a].Zip(runs[b], (x, y) => x.Seconds / y.Seconds).ToList());
            return new(runs["seeds"].Single().Seconds / Median(runs["orchestrated"]).Seconds,
                Paired("orchestrated", "floor"), Paired("floor", "limit"), Paired("daily", "orchestrated"));
        }

        private static double MedianOf(List<double> values)
        {
            values.Sort();
            return values.Count % 2 == 1 ? values[values.Count / 2] : (values[values.Count / 2 - 1] + values[values.Count / 2]) / 2;
        }
    }

    /// <summary>The run of median wall time (its own RSS and counts: one real run, not a blend).</summary>
    internal static PhaseResult Median(IReadOnlyList<PhaseResult> runs) => runs.OrderBy(r => r.Seconds).ElementAt(runs.Count / 2);

    /// <summary>The growth table: wall time and peak RSS against the season count, relative to the smallest run.</summary>
    internal static string RenderScale(IReadOnlyList<PhaseResult> results)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"machine: {PhysicalCores()} cores, {Environment.OSVersion}");
        sb.AppendLine("| seasons | wall (s) | s per season | wall vs smallest | peak RSS (MiB) | activities | rows | reconciliation |");
        sb.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---|");
        var first = results[0];
        var firstSeasons = SeasonsOf(first);
        foreach (var r in results)
        {
            var n = SeasonsOf(r);
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {n} | {r.Seconds:0.00} | {r.Seconds / n:0.00} | {r.Seconds / first.Seconds:0.0}x for {(double)n / firstSeasons:0.#}x the seasons | {r.PeakRssMiB:0} | {r.Activities} | {r.Rows} | {(r.ReconciliationClean ? "clean" : "NOT clean")} |");
        }
        var last = results[^1];
        var growth = last.Seconds / first.Seconds / ((double)SeasonsOf(last) / firstSeasons);
        sb.Append(CultureInfo.InvariantCulture,
            $"growth: {growth:0.00}x linear (target <= 1.1x: 20 seasons <= 22x one); peak RSS at {SeasonsOf(last)} seasons = {last.PeakRssMiB:0} MiB (target <= 1024)");
        return sb.ToString();
    }

    private static int SeasonsOf(PhaseResult r) => int.Parse(r.Phase["seasons-".Length..], CultureInfo.InvariantCulture);

    internal static string Render(IReadOnlyList<PhaseResult> results, Ratios ratios)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"machine: {PhysicalCores()} cores, {Environment.OSVersion}");
        sb.AppendLine("| phase | wall (s) | CPU (s) | first pass in its process (s) | GC pauses (s) | peak RSS (MiB) | activities | rows | reconciliation |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in results)
        {
            var first = r.FirstPassSeconds is { } f ? f.ToString("0.00", CultureInfo.InvariantCulture) : "–";
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {r.Phase} | {r.Seconds:0.00} | {r.CpuSeconds:0.00} | {first} | {r.GcPauseSeconds:0.00} | {r.PeakRssMiB:0} | {r.Activities} | {r.Rows} | {(r.ReconciliationClean ? "clean" : "NOT clean")} |");
        }
        sb.AppendLine("ratios: the median over the rounds of each round's own ratio");
        sb.AppendLine(CultureInfo.InvariantCulture, $"seeds' way / orchestrated = {ratios.SeedsOverOrchestrated:0.0}x faster (target >= 10x): {Verdict(ratios.SeedsOverOrchestrated >= 10)}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"floor / limit = {ratios.FloorOverLimit:0.00}x (target <= 2x: the floor's time beyond reading raw and writing its output): {Verdict(ratios.FloorOverLimit <= 2)}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"orchestrated / floor = {ratios.OrchestratedOverFloor:0.00}x (target <= 1.3x): {Verdict(ratios.OrchestratedOverFloor <= 1.3)}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"daily run = {100 * ratios.DailyOverOrchestrated:0.0}% of the orchestrated season (target <= 15%): {Verdict(ratios.DailyOverOrchestrated <= 0.15)}");
        if (results.SingleOrDefault(r => r.Phase == "floor")?.FirstPassSeconds is { } floorFirst
            && results.SingleOrDefault(r => r.Phase == "limit")?.FirstPassSeconds is { } limitFirst
            && results.SingleOrDefault(r => r.Phase == "orchestrated")?.FirstPassSeconds is { } orchestratedFirst)
        {
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"first passes (code not yet compiled, as a fresh CLI process runs): floor / limit = {floorFirst / limitFirst:0.00}x, orchestrated / floor = {orchestratedFirst / floorFirst:0.00}x");
        }
        foreach (var r in results.Where(r => r.Parts is not null))
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"{r.Phase} run by part (s): {string.Join(", ", r.Parts!.Select(p => $"{p.Key} {p.Value:0.00}"))}");
        }
        if (results.SingleOrDefault(r => r.Phase == "rerun-unchanged") is { } rerun)
        {
            sb.Append(CultureInfo.InvariantCulture, $"rerun with nothing changed = {rerun.Seconds:0.00} s, {rerun.Activities} activities (every node fresh; engine start-up included)");
        }
        return sb.ToString();
    }

    private static string Verdict(bool met) => met ? "met" : "NOT met";

    private static string BundledSeasonDir()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            var candidate = Path.Combine(d.FullName, "data", "nba-2021-22");
            if (Directory.Exists(candidate)) return candidate;
        }
        return Path.Combine("data", "nba-2021-22");
    }

    /// <summary>"1,4,16": each 1..<paramref name="max"/> (the request's own limit), at least one.</summary>
    internal static int[] ParseCounts(string option, string text, int max)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = parts.Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= max ? n : -1).ToArray();
        if (values.Length == 0 || values.Contains(-1)) throw new UsageException($"{option}: '{text}' is not a comma-separated list of numbers 1..{max}");
        return values.Distinct().Order().ToArray();
    }

    private static async Task<PhaseResult> RunChildAsync(string phase, string seasonDir, CancellationToken ct) =>
        JsonSerializer.Deserialize<PhaseResult>(await RunChildOutputAsync(phase, seasonDir, ct))!;

    /// <summary>The last line a phase's child process printed (its result, as JSON).</summary>
    private static async Task<string> RunChildOutputAsync(string phase, string seasonDir, CancellationToken ct)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var entry = typeof(BenchCommand).Assembly.Location;
        if (!Environment.ProcessPath!.EndsWith("nba-backfill", StringComparison.Ordinal)) start.ArgumentList.Add(entry);
        foreach (var a in new[] { "bench-phase", phase, "--season-dir", Path.GetFullPath(seasonDir) }) start.ArgumentList.Add(a);
        // The launcher's runtime settings, also when bench itself was started without it.
        foreach (var (name, value) in LauncherEnvironment) start.Environment[name] = Environment.GetEnvironmentVariable(name) ?? value;
        using var process = Process.Start(start)!;
        var stdout = await process.StandardOutput.ReadToEndAsync(ct);
        var stderr = await process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0) throw new InvalidOperationException($"bench phase {phase} failed: {stderr}{stdout}");
        return stdout.Trim().Split('\n')[^1];
    }

    /// <summary>
    /// One phase. The single-season phases but the seeds' way run <see cref="WarmPasses"/> + 1 times in their process,
    /// each pass on its own fresh database, and the last is timed: every phase is then compared in steady state, as a
    /// long-running host (the Functions app, <c>serve</c>) runs it, and the JIT's compilations of each path count for
    /// none of them (the limit's untimed precompute had warmed its write path, the floor's was cold). The first pass is
    /// reported beside it. The seeds' way (a minute of 990 calls) and the scale phases (minutes) run once.
    /// </summary>
    private static async Task<PhaseResult> RunPhaseAsync(string phase, string seasonDir, TimeProvider time, CancellationToken ct)
    {
        if (phase == "seeds" || !Phases.Contains(phase)) return await RunPassAsync(phase, 1, seasonDir, time, ct);
        var first = await RunPassAsync(phase, 1, seasonDir, time, ct);
        for (var warm = 2; warm <= WarmPasses; warm++) await RunPassAsync(phase, warm, seasonDir, time, ct);
        var steady = await RunPassAsync(phase, WarmPasses + 1, seasonDir, time, ct);
        return steady with { FirstPassSeconds = first.Seconds };
    }

    private static async Task<PhaseResult> RunPassAsync(string phase, int pass, string seasonDir, TimeProvider time, CancellationToken ct)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"nba-bench-{phase}-{Environment.ProcessId}-{pass}");
        Directory.CreateDirectory(dir);
        try
        {
            // As the product opens it: the owning process caches history reads shared by processors.
            var duckDb = await DuckDbWarehouse.OpenAsync(Path.Combine(dir, "w.duckdb"), ct);
            await using var warehouse = new CachingWarehouse(duckDb);
            // The parsed season is not kept: a product run does not hold it, and it would weigh on every GC of the pass.
            RawSeason Parse() => SeasonParser.Parse(new FolderRawSource(seasonDir));
            // (loaded by its own method: a local of this one would live in its state machine to the end)
            var gameDates = await LoadAsync(warehouse, Parse(), seasonDir, time, ct);
            var range = new DateRange(gameDates[0], gameDates[^1]);
            var stamp = new RunStamp("bench-" + phase, time.GetUtcNow());
            // Each timed part starts on a collected heap (as a benchmark harness does), so garbage of the set-up is not
            // collected on its clock, and on a checkpointed database: DuckDB moves its log into the file in whichever
            // commit crosses its threshold, and a phase would otherwise pay for the set-up's writes (the raw season) in
            // its own first crossing.
            // CPU time beside wall time: on a shared host a neighbour's load stretches the wall clock more than the
            // CPU seconds the phase itself spends (all threads: DuckDB's, the GC's, the hash beside the writes).
            var cpuAtStart = TimeSpan.Zero;
            TimeSpan? cpuAtStop = null;
            async Task<(Stopwatch, TimeSpan)> StartClockAsync(bool checkpoint = true)
            {
                if (checkpoint) await duckDb.CheckpointAsync(ct);
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
                cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
                return (Stopwatch.StartNew(), GC.GetTotalPauseDuration());
            }
            var (watch, paused) = await StartClockAsync();
            TimeSpan? pausedAtStop = null;
            var activities = 0;
            IReadOnlyDictionary<string, double>? parts = null;
            // The product's default run over the phase's range as it stands then (the scale phases widen it first).
            Task<BackfillOutcome> OrchestrateRangeAsync(Action<TimeSpan>? engineStarted = null) =>
                OrchestrateAsync(warehouse, new BackfillRequest(range.From, range.To, ProcessorIds.All), time, ct, engineStarted);
            switch (phase)
            {
                case "seeds":
                    // The old way: one script per processor, in DAG order, one date per call.
                    foreach (var p in ProcessorIds.All)
                    {
                        foreach (var d in gameDates)
                        {
                            await ProcessorRunner.RunAsync(p, warehouse, DateRange.Single(d), stamp, ct);
                            activities++;
                        }
                    }
                    break;
                case "floor":
                    foreach (var p in ProcessorIds.All)
                    {
                        await ProcessorRunner.RunAsync(p, warehouse, range, stamp, ct);
                        activities++;
                    }
                    break;
                case "orchestrated":
                    using (var timeline = new RunTimeline())
                    {
                        var engineStart = TimeSpan.Zero;
                        var outcome = await OrchestrateRangeAsync(t => engineStart = t);
                        activities = outcome.Progress.Activities;
                        parts = timeline.Parts(outcome.RunId, engineStart);
                    }
                    break;
                case "daily":
                    // The season up to a week of game days before, then those days' ticks and today's through one engine
                    // that stays up, as in the Functions app or `serve` where the timer fires into a running host; only
                    // today's is timed (the ticks before it are what a running host has already done: its code is warm,
                    // each per-run path past the JIT's call counts — one tick before was not enough).
                    // The database is checkpointed before those ticks, not between them: in a running host the backfill
                    // was moved into the file long ago, and a tick (a megabyte of log, against DuckDB's 16 MiB threshold)
                    // mostly follows ticks still in the log. Right after a checkpoint, the first writes to each table cost
                    // 50–100 ms more (measured): the one tick in many that follows a checkpoint.
                    var before = gameDates.Where(d => d < range.To).TakeLast(DailyWarmTicks + 1).ToList();
                    foreach (var p in ProcessorIds.All) await ProcessorRunner.RunAsync(p, warehouse, new DateRange(range.From, before[0]), stamp, ct);
                    await using (var engine = await InProcessEngine.StartAsync(warehouse, time, ct))
                    {
                        var runner = new BackfillRunner(engine, warehouse, time);
                        await duckDb.CheckpointAsync(ct);
                        foreach (var tick in before.Skip(1)) await runner.RunAsync(DailyRequest(tick), RunIds.Daily(tick), null, ct);
                        using var timeline = new RunTimeline();
                        var today = RunIds.Daily(range.To);
                        (watch, paused) = await StartClockAsync(checkpoint: false);
                        var outcome = await runner.RunAsync(DailyRequest(range.To), today, null, ct);
                        parts = timeline.Parts(today, TimeSpan.Zero);
                        activities = outcome.Progress.Activities;
                        watch.Stop();
                        pausedAtStop = GC.GetTotalPauseDuration();
                        cpuAtStop = Process.GetCurrentProcess().TotalProcessorTime;
                    }
                    range = DateRange.Single(range.To);
                    break;
                case "limit":
                {
                    // The I/O the floor cannot avoid: the season's raw rows read into memory, and the six processors'
                    // rows and failures (computed beforehand, untimed) written through the same replace path.
                    var results = new List<ProcessorResult>();
                    await using (var scratch = await DuckDbWarehouse.OpenAsync(Path.Combine(dir, "scratch.duckdb"), ct))
                    {
                        await scratch.ReplaceRawSeasonAsync(Parse(), seasonDir, time.GetUtcNow(), ct);
                        foreach (var p in ProcessorIds.All)
                        {
                            var computed = await ProcessorRunner.ComputeAsync(p, scratch, range, stamp, ct);
                            await scratch.ReplaceOutputAsync(computed, stamp.CreatedAt, ct);
                            results.Add(computed);
                        }
                    }
                    (watch, paused) = await StartClockAsync();
                    // The raw tables are read as PGS reads them (typed rows).
                    await warehouse.ReadRowsAsync(Raw.RawGame.Table, range, ct);
                    await warehouse.ReadRowsAsync(Raw.RawBoxScore.Table, range, ct);
                    await warehouse.ReadRowsAsync(Raw.RawShotZone.Table, range, ct);
                    await warehouse.ReadRowsAsync(Raw.RawReject.Table, range, ct);
                    foreach (var computed in results)
                    {
                        await warehouse.ReplaceOutputAsync(computed, stamp.CreatedAt, ct);
                        activities++;
                    }
                    break;
                }
                case "rerun-unchanged":
                    // The season done, then the same run again with nothing changed: every node is fresh.
                    await OrchestrateRangeAsync();
                    (watch, paused) = await StartClockAsync();
                    activities = (await OrchestrateRangeAsync()).Progress.Activities;
                    break;
                case "two-seasons":
                    range = await LoadShiftedCopiesAsync(warehouse, Parse(), 2, seasonDir, time, ct);
                    (watch, paused) = await StartClockAsync();
                    activities = (await OrchestrateRangeAsync()).Progress.Activities;
                    break;
                case var scale when scale.StartsWith("seasons-", StringComparison.Ordinal)
                                    && int.TryParse(scale["seasons-".Length..], CultureInfo.InvariantCulture, out var count) && count is >= 1 and <= MaxSeasons:
                    range = await LoadShiftedCopiesAsync(warehouse, Parse(), count, seasonDir, time, ct);
                    (watch, paused) = await StartClockAsync();
                    activities = (await OrchestrateRangeAsync()).Progress.Activities;
                    break;
                default:
                    throw new UsageException($"unknown bench phase '{phase}' (known: {string.Join(", ", Phases)})");
            }
            var seconds = watch.Elapsed.TotalSeconds;
            var cpu = ((cpuAtStop ?? Process.GetCurrentProcess().TotalProcessorTime) - cpuAtStart).TotalSeconds;
            var gcPause = ((pausedAtStop ?? GC.GetTotalPauseDuration()) - paused).TotalSeconds;
            var report = await ReconciliationReader.ReconcileAsync(warehouse, range, ProcessorIds.All, ct);
            return new PhaseResult(phase, Math.Round(seconds, 3), PeakRssMiB(), activities,
                report.Sum(r => r.Totals.HasRecord), report.All(r => r.Totals.IsClean), Parts: parts, GcPauseSeconds: Math.Round(gcPause, 3), CpuSeconds: Math.Round(cpu, 3));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Loads the season; returns its game dates.</summary>
    private static async Task<IReadOnlyList<DateOnly>> LoadAsync(IWarehouse warehouse, RawSeason season, string source, TimeProvider time, CancellationToken ct)
    {
        await warehouse.ReplaceRawSeasonAsync(season, source, time.GetUtcNow(), ct);
        return season.GameDates;
    }

    /// <summary>The product's default run on a fresh in-process engine (its start included); anything but Completed is an error.</summary>
    internal static async Task<BackfillOutcome> OrchestrateAsync(
        IWarehouse warehouse, BackfillRequest request, TimeProvider time, CancellationToken ct, Action<TimeSpan>? engineStarted = null)
    {
        var starting = Stopwatch.StartNew();
        await using var engine = await InProcessEngine.StartAsync(warehouse, time, ct);
        engineStarted?.Invoke(starting.Elapsed);
        var runner = new BackfillRunner(engine, warehouse, time);
        var (runId, _) = await runner.ChooseRunIdAsync(request, ct);
        var outcome = await runner.RunAsync(request, runId, null, ct);
        if (outcome.Status != RunStatus.Completed) throw new InvalidOperationException($"bench run on {warehouse.Describe} ended {outcome.Status}");
        return outcome;
    }

    /// <summary>
    /// Loads <paramref name="count"/> − 1 copies of the (already loaded) season, each shifted a year further with new
    /// ids; returns the range all <paramref name="count"/> seasons span.
    /// </summary>
    internal static async Task<DateRange> LoadShiftedCopiesAsync(
        IWarehouse warehouse, RawSeason season, int count, string source, TimeProvider time, CancellationToken ct)
    {
        for (var k = 1; k < count; k++)
        {
            await warehouse.ReplaceRawSeasonAsync(SyntheticSeasons.Shifted(season, k), source, time.GetUtcNow(), ct);
        }
        return new DateRange(season.GameDates[0], season.GameDates[^1].AddDays(SyntheticSeasons.YearInDays * (count - 1)));
    }

    /// <summary>What ./nba-backfill exports before starting the CLI (keep the two in step).</summary>
    private static readonly (string Name, string Value)[] LauncherEnvironment = [("DOTNET_PROCESSOR_COUNT", "64"), ("DOTNET_TC_CallCountingDelayMs", "0"), ("MALLOC_ARENA_MAX", "2")];

    private static BackfillRequest DailyRequest(DateOnly date) => new(date, date, ProcessorIds.All, OnFailure.Continue, 2, 1);

    /// <summary>Cores the machine has (Environment.ProcessorCount is lifted by DOTNET_PROCESSOR_COUNT for the engine).</summary>
    private static int PhysicalCores() =>
        File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").Count(l => l.StartsWith("processor", StringComparison.Ordinal)) : Environment.ProcessorCount;

    /// <summary>Peak resident set of this process (VmHWM), in MiB.</summary>
    private static double PeakRssMiB()
    {
        const string status = "/proc/self/status";
        if (File.Exists(status))
        {
            var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            if (line is not null && double.TryParse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture, out var kb)) return Math.Round(kb / 1024, 1);
        }
        return Math.Round(Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0, 1);
    }
}
