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

    public sealed record PhaseResult(string Phase, double Seconds, double PeakRssMiB, int Activities, int Rows, bool ReconciliationClean);

    public static Command Create(CliEnvironment env)
    {
        var json = CommonOptions.Json();
        var seasonDir = new Option<string>("--season-dir") { Description = "season folder (default: the bundled data/nba-2021-22)" };
        var command = new Command("bench", "Benchmark: seeds' way vs orchestrated vs floor, daily run, two seasons") { json, seasonDir };
        command.SetAction(async (result, ct) =>
        {
            var dir = result.GetValue(seasonDir) ?? BundledSeasonDir();
            if (!Directory.Exists(dir)) throw new UsageException($"--season-dir: folder '{dir}' does not exist");
            var results = new List<PhaseResult>();
            foreach (var phase in Phases)
            {
                if (!result.GetValue(json)) await env.Error.WriteLineAsync($"bench: {phase}…");
                results.Add(await RunChildAsync(phase, dir, ct));
            }
            var by = results.ToDictionary(r => r.Phase);
            var speedup = by["seeds"].Seconds / by["orchestrated"].Seconds;
            var overFloor = by["orchestrated"].Seconds / by["floor"].Seconds;
            if (result.GetValue(json))
            {
                await env.Out.WriteLineAsync(JsonSerializer.Serialize(new
                {
                    machine = $"{PhysicalCores()} cores, {Environment.OSVersion}", phases = results,
                    seeds_over_orchestrated = Math.Round(speedup, 2), orchestrated_over_floor = Math.Round(overFloor, 2),
                    floor_over_limit = Math.Round(by["floor"].Seconds / by["limit"].Seconds, 2),
                    daily_over_orchestrated = Math.Round(by["daily"].Seconds / by["orchestrated"].Seconds, 3),
                }, RunCommand.JsonOptions));
            }
            else
            {
                await env.Out.WriteLineAsync(Render(results, speedup, overFloor));
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
            var outcome = await RunPhaseAsync(result.GetValue(phase)!, result.GetValue(seasonDir)!, env.Time, ct);
            await env.Out.WriteLineAsync(JsonSerializer.Serialize(outcome));
            return ExitCodes.Complete;
        });
        return command;
    }

    internal static string Render(IReadOnlyList<PhaseResult> results, double speedup, double overFloor)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"machine: {PhysicalCores()} cores, {Environment.OSVersion}");
        sb.AppendLine("| phase | wall (s) | peak RSS (MiB) | activities | rows | reconciliation |");
        sb.AppendLine("|---|---:|---:|---:|---:|---|");
        foreach (var r in results)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {r.Phase} | {r.Seconds:0.00} | {r.PeakRssMiB:0} | {r.Activities} | {r.Rows} | {(r.ReconciliationClean ? "clean" : "NOT clean")} |");
        }
        sb.AppendLine(CultureInfo.InvariantCulture, $"seeds' way / orchestrated = {speedup:0.0}x faster (target >= 10x)");
        if (results.SingleOrDefault(r => r.Phase == "limit") is { } limit)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"floor / limit = {results.Single(r => r.Phase == "floor").Seconds / limit.Seconds:0.00}x (target <= 2x: the floor's time beyond reading raw and writing its output)");
        }
        var daily = results.Single(r => r.Phase == "daily").Seconds;
        sb.AppendLine(CultureInfo.InvariantCulture, $"orchestrated / floor = {overFloor:0.00}x (target <= 1.3x); daily run = {daily:0.00} s = {100 * daily / results.Single(r => r.Phase == "orchestrated").Seconds:0}% of the orchestrated season (target <= 15%)");
        if (results.SingleOrDefault(r => r.Phase == "rerun-unchanged") is { } rerun)
        {
            sb.Append(CultureInfo.InvariantCulture, $"rerun with nothing changed = {rerun.Seconds:0.00} s, {rerun.Activities} activities (every node fresh; engine start-up included)");
        }
        return sb.ToString();
    }

    private static string BundledSeasonDir()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            var candidate = Path.Combine(d.FullName, "data", "nba-2021-22");
            if (Directory.Exists(candidate)) return candidate;
        }
        return Path.Combine("data", "nba-2021-22");
    }

    private static async Task<PhaseResult> RunChildAsync(string phase, string seasonDir, CancellationToken ct)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var entry = typeof(BenchCommand).Assembly.Location;
        if (!Environment.ProcessPath!.EndsWith("nba-backfill", StringComparison.Ordinal)) start.ArgumentList.Add(entry);
        foreach (var a in new[] { "bench-phase", phase, "--season-dir", Path.GetFullPath(seasonDir) }) start.ArgumentList.Add(a);
        start.Environment["DOTNET_PROCESSOR_COUNT"] = Environment.GetEnvironmentVariable("DOTNET_PROCESSOR_COUNT") ?? "64";
        using var process = Process.Start(start)!;
        var stdout = await process.StandardOutput.ReadToEndAsync(ct);
        var stderr = await process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0) throw new InvalidOperationException($"bench phase {phase} failed: {stderr}{stdout}");
        return JsonSerializer.Deserialize<PhaseResult>(stdout.Trim().Split('\n')[^1])!;
    }

    private static async Task<PhaseResult> RunPhaseAsync(string phase, string seasonDir, TimeProvider time, CancellationToken ct)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"nba-bench-{phase}-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        try
        {
            // As the product opens it: the owning process caches history reads shared by processors.
            await using var warehouse = new CachingWarehouse(await DuckDbWarehouse.OpenAsync(Path.Combine(dir, "w.duckdb"), ct));
            var season = SeasonParser.Parse(new FolderRawSource(seasonDir));
            await warehouse.ReplaceRawSeasonAsync(season, seasonDir, time.GetUtcNow(), ct);
            var range = new DateRange(season.GameDates[0], season.GameDates[^1]);
            var stamp = new RunStamp("bench-" + phase, time.GetUtcNow());
            var watch = Stopwatch.StartNew();
            var activities = 0;
            switch (phase)
            {
                case "seeds":
                    // The old way: one script per processor, in DAG order, one date per call.
                    foreach (var p in ProcessorIds.All)
                    {
                        foreach (var d in season.GameDates)
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
                    activities = await OrchestrateAsync(warehouse, new BackfillRequest(range.From, range.To, ProcessorIds.All), time, ct);
                    break;
                case "daily":
                    // The season up to the day before, then the last date alone on an engine that is already up
                    // (as in the Functions app or `serve`, where the timer fires into a running host).
                    foreach (var p in ProcessorIds.All) await ProcessorRunner.RunAsync(p, warehouse, new DateRange(range.From, range.To.AddDays(-1)), stamp, ct);
                    await using (var engine = await InProcessEngine.StartAsync(warehouse, time, ct))
                    {
                        watch.Restart();
                        var request = new BackfillRequest(range.To, range.To, ProcessorIds.All, OnFailure.Continue, 2, 1);
                        var outcome = await new BackfillRunner(engine, warehouse, time).RunAsync(request, RunIds.Daily(range.To), null, ct);
                        activities = outcome.Progress.Activities;
                        watch.Stop();
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
                        await scratch.ReplaceRawSeasonAsync(season, seasonDir, time.GetUtcNow(), ct);
                        foreach (var p in ProcessorIds.All)
                        {
                            var computed = await ProcessorRunner.ComputeAsync(p, scratch, range, stamp, ct);
                            await scratch.ReplaceOutputAsync(computed, stamp.CreatedAt, ct);
                            results.Add(computed);
                        }
                    }
                    watch.Restart();
                    foreach (var table in new[] { Tables.TableCatalog.RawGames, Tables.TableCatalog.RawBoxScores, Tables.TableCatalog.RawShotZones, Tables.TableCatalog.RawRejects })
                    {
                        await warehouse.ReadAsync(table, range, r => r.Values, ct);
                    }
                    foreach (var computed in results)
                    {
                        await warehouse.ReplaceOutputAsync(computed, stamp.CreatedAt, ct);
                        activities++;
                    }
                    break;
                }
                case "rerun-unchanged":
                    // The season done, then the same run again with nothing changed: every node is fresh.
                    await OrchestrateAsync(warehouse, new BackfillRequest(range.From, range.To, ProcessorIds.All), time, ct);
                    watch.Restart();
                    activities = await OrchestrateAsync(warehouse, new BackfillRequest(range.From, range.To, ProcessorIds.All), time, ct);
                    break;
                case "two-seasons":
                    var second = Shifted(season, "next-" + season.Season, 364);
                    await warehouse.ReplaceRawSeasonAsync(second, seasonDir, time.GetUtcNow(), ct);
                    watch.Restart();
                    range = new DateRange(range.From, second.GameDates[^1]);
                    activities = await OrchestrateAsync(warehouse, new BackfillRequest(range.From, range.To, ProcessorIds.All), time, ct);
                    break;
                default:
                    throw new UsageException($"unknown bench phase '{phase}' (known: {string.Join(", ", Phases)})");
            }
            var seconds = watch.Elapsed.TotalSeconds;
            var report = await ReconciliationReader.ReconcileAsync(warehouse, range, ProcessorIds.All, ct);
            return new PhaseResult(phase, Math.Round(seconds, 3), PeakRssMiB(), activities,
                report.Sum(r => r.Totals.HasRecord), report.All(r => r.Totals.IsClean));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<int> OrchestrateAsync(IWarehouse warehouse, BackfillRequest request, TimeProvider time, CancellationToken ct)
    {
        await using var engine = await InProcessEngine.StartAsync(warehouse, time, ct);
        var runner = new BackfillRunner(engine, warehouse, time);
        var (runId, _) = await runner.ChooseRunIdAsync(request, ct);
        var outcome = await runner.RunAsync(request, runId, null, ct);
        if (outcome.Status != RunStatus.Completed) throw new InvalidOperationException($"bench run ended {outcome.Status}");
        return outcome.Progress.Activities;
    }

    /// <summary>The same season again under another id, its dates moved by whole weeks and its game ids renamed.</summary>
    private static RawSeason Shifted(RawSeason s, string id, int days)
    {
        string G(string gameId) => "9" + gameId[1..];
        return s with
        {
            Season = id,
            Games = s.Games.Select(g => g with { GameId = G(g.GameId), GameDate = g.GameDate.AddDays(days), Season = id }).ToList(),
            BoxScores = s.BoxScores.Select(b => b with { GameId = G(b.GameId), GameDate = b.GameDate.AddDays(days), Season = id }).ToList(),
            ShotZones = s.ShotZones?.Select(z => z with { GameId = G(z.GameId), GameDate = z.GameDate.AddDays(days), Season = id }).ToList(),
            Rejects = [],
        };
    }

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
