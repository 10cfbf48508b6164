using System.Text.Json;
using NbaBackfill.Cli.Commands;
using NbaBackfill.Warehouse.BigQuery.Emulator;

namespace NbaBackfill.Cli.Tests;

/// <summary>The scale phase of bench: synthetic seasons run through the orchestrated default, and its growth table.</summary>
public sealed class BenchCommandTests : IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task A_scale_phase_runs_every_synthetic_season_in_batches_that_never_span_two()
    {
        var season = MiniSeason.Daily(14).WriteTo(Path.Combine(_cli.Dir, "mini"));
        var (oneCode, oneOut, _) = await _cli.RunAsync("bench-phase", "seasons-1", "--season-dir", season);
        var (code, output, error) = await _cli.RunAsync("bench-phase", "seasons-3", "--season-dir", season);
        Assert.True((oneCode, code) == (0, 0), error);

        var one = JsonSerializer.Deserialize<BenchCommand.PhaseResult>(oneOut.Trim())!;
        var three = JsonSerializer.Deserialize<BenchCommand.PhaseResult>(output.Trim())!;
        Assert.True(one.Rows > 0 && three.ReconciliationClean);
        Assert.Equal(3 * one.Rows, three.Rows);
        // One batch per processor and season: the off-season splits what would fit in one batch of 200 dates.
        Assert.Equal((6, 18), (one.Activities, three.Activities));
    }

    [Fact]
    public async Task The_orchestrated_phase_is_timed_on_its_second_pass_and_says_where_its_time_went()
    {
        var season = MiniSeason.Daily(10).WriteTo(Path.Combine(_cli.Dir, "mini"));
        var (code, output, error) = await _cli.RunAsync("bench-phase", "orchestrated", "--season-dir", season);
        Assert.True(code == 0, error);
        var run = JsonSerializer.Deserialize<BenchCommand.PhaseResult>(output.Trim())!;
        Assert.True(run.ReconciliationClean && run.Rows > 0);
        Assert.NotNull(run.FirstPassSeconds);
        Assert.Equal(["engine start", "planning", "waves", "between waves", "finalizing"], run.Parts!.Keys);
        Assert.True(run.Parts["waves"] > 0, $"waves {run.Parts["waves"]} s");
        // The parts are of the timed run: together no longer than it (the run's own spans, not a second clock).
        Assert.True(run.Parts.Values.Sum() <= run.Seconds + 0.05, $"{run.Parts.Values.Sum()} s of parts in a {run.Seconds} s run");
        Assert.InRange(run.GcPauseSeconds, 0, run.Seconds);
        // CPU of all the process's threads over the timed part: some, and at most what its cores could give.
        Assert.InRange(run.CpuSeconds, 0.001, run.Seconds * Environment.ProcessorCount + 0.05);
    }

    [Fact]
    public void The_phase_table_shows_the_first_pass_beside_the_timed_one_and_the_orchestrated_run_by_part()
    {
        BenchCommand.PhaseResult Phase(string name, double seconds, double? first = null, IReadOnlyDictionary<string, double>? parts = null) =>
            new(name, seconds, 400, 6, 93153, true, first, parts, 0.25, seconds * 1.5);
        var table = BenchCommand.Render(
        [
            Phase("seeds", 60), Phase("orchestrated", 3, 5, new Dictionary<string, double> { ["engine start"] = 0.1, ["waves"] = 2.5 }),
            Phase("floor", 2, 2.5), Phase("limit", 0.8, 0.9), Phase("daily", 0.4, 0.6),
        ], new BenchCommand.Ratios(20, 1.5, 2.5, 0.125));
        Assert.Contains("| orchestrated | 3.00 | 4.50 | 5.00 | 0.25 | 400 | 6 | 93153 | clean |", table, StringComparison.Ordinal);
        Assert.Contains("| seeds | 60.00 | 90.00 | – | 0.25 |", table, StringComparison.Ordinal);
        Assert.Contains("floor / limit = 2.50x", table, StringComparison.Ordinal);
        Assert.Contains("seeds' way / orchestrated = 20.0x faster (target >= 10x): met", table, StringComparison.Ordinal);
        Assert.Contains("orchestrated / floor = 1.50x (target <= 1.3x): NOT met", table, StringComparison.Ordinal);
        Assert.Contains("daily run = 12.5% of the orchestrated season (target <= 15%): met", table, StringComparison.Ordinal);
        Assert.Contains("orchestrated run by part (s): engine start 0.10, waves 2.50", table, StringComparison.Ordinal);
        Assert.Contains("first passes (code not yet compiled, as a fresh CLI process runs): floor / limit = 2.78x, orchestrated / floor = 2.00x", table, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Season_counts_out_of_range_are_refused_before_anything_runs()
    {
        var (code, output, error) = await _cli.RunAsync("bench", "--seasons", "0", "5");
        Assert.Equal((2, ""), (code, output));
        Assert.Contains("--seasons: each count must be 1..", error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_growth_table_compares_time_per_season_with_the_smallest_run()
    {
        var table = BenchCommand.RenderScale(
        [
            new("seasons-1", 4, 540, 6, 93153, true),
            new("seasons-5", 18, 700, 30, 5 * 93153, true),
            new("seasons-20", 80, 950, 120, 20 * 93153, true),
        ]);
        Assert.Contains("| 5 | 18.00 | 3.60 | 4.5x for 5x the seasons | 700 | 30 | 465765 | clean |", table, StringComparison.Ordinal);
        Assert.Contains("growth: 1.00x linear", table, StringComparison.Ordinal);
        Assert.Contains("peak RSS at 20 seasons = 950 MiB (target <= 1024)", table, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_BigQuery_phase_runs_on_the_fake_and_projects_its_traced_jobs_onto_BigQuery()
    {
        var season = MiniSeason.Daily(14).WriteTo(Path.Combine(_cli.Dir, "mini"));
        var (code, output, error) = await _cli.RunAsync("bench-phase", "bigquery-2-4-200", "--season-dir", season);
        Assert.True(code == 0, error);
        var result = JsonSerializer.Deserialize<BigQueryBench.Result>(output.Trim())!;
        Assert.True(result.ReconciliationClean && result.Rows > 0);
        Assert.Equal((2, 4, 200, 12), (result.Seasons, result.MaxParallel, result.BatchSize, result.Activities));
        // Every kind of job ran, and seconds of modelled latency per job dwarf the fake's milliseconds.
        Assert.All(new[] { BigQueryJobKind.Query, BigQueryJobKind.Script, BigQueryJobKind.Load }, k => Assert.True(result.Jobs.GetValueOrDefault(k) > 0, k.ToString()));
        Assert.True(result.ModelledSeconds > result.Jobs.Values.Sum() * 0.5, $"{result.ModelledSeconds} s for {result.Jobs.Values.Sum()} jobs");
        Assert.True(result.ModelledSeconds > result.MeasuredSeconds);
        // Table modifications are the real tables' (the status table is written by every activity), staging tables aside.
        Assert.True(result.Modifications["nba.backfill_status"] >= result.Activities);
        Assert.DoesNotContain(result.Modifications.Keys, t => t.Contains("_staging_", StringComparison.Ordinal));
        var table = BigQueryBench.Render([result]);
        Assert.Contains("| 2 | 4 | 200 | ", table, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--max-parallel: '0,4' is not a comma-separated list of numbers 1..64", "--warehouse", "fake-bigquery", "--max-parallel", "0,4")]
    [InlineData("--max-parallel: 'x' is not", "--warehouse", "fake-bigquery", "--max-parallel", "x")]
    [InlineData("--latency, --max-parallel and --batch-size go with --warehouse fake-bigquery", "--latency", "realistic")]
    [InlineData("--batch-size: '500' is not a comma-separated list of numbers 1..400", "--warehouse", "fake-bigquery", "--batch-size", "500")]
    [InlineData("--warehouse: 'snowflake' is not duckdb or fake-bigquery", "--warehouse", "snowflake")]
    [InlineData("--latency: 'optimistic' is not realistic", "--warehouse", "fake-bigquery", "--latency", "optimistic")]
    public async Task Bad_BigQuery_bench_options_are_refused_before_anything_runs(string message, params string[] args)
    {
        var (code, output, error) = await _cli.RunAsync(["bench", .. args]);
        Assert.Equal((2, ""), (code, output));
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Target_ratios_are_the_median_of_each_rounds_own_ratio()
    {
        BenchCommand.PhaseResult Run(string phase, double seconds) => new(phase, seconds, 400, 6, 10, true);
        // The host slowed down in round 2: the floor's and the orchestrated run's medians are from different rounds, and
        // their quotient (2.6 / 1.6 = 1.63) says more about the drift than the rounds' own ratios (1.2, 1.25, 1.63; median 1.25).
        var runs = new Dictionary<string, List<BenchCommand.PhaseResult>>
        {
            ["seeds"] = [Run("seeds", 40)],
            ["orchestrated"] = [Run("orchestrated", 1.2), Run("orchestrated", 3.0), Run("orchestrated", 2.6)],
            ["floor"] = [Run("floor", 1.0), Run("floor", 2.4), Run("floor", 1.6)],
            ["limit"] = [Run("limit", 0.5), Run("limit", 1.0), Run("limit", 0.9)],
            ["daily"] = [Run("daily", 0.12), Run("daily", 0.3), Run("daily", 0.3)],
        };
        var ratios = BenchCommand.Ratios.Of(runs);
        Assert.Equal(1.25, ratios.OrchestratedOverFloor, 3);
        Assert.Equal(2.0, ratios.FloorOverLimit, 3);
        Assert.Equal(0.1, ratios.DailyOverOrchestrated, 3);
        Assert.Equal(40 / 2.6, ratios.SeedsOverOrchestrated, 3);
    }

    [Fact]
    public void A_repeated_phase_reports_its_median_run_whole()
    {
        var median = BenchCommand.Median([new("floor", 3.9, 400, 6, 10, true), new("floor", 2.1, 420, 6, 10, true), new("floor", 2.6, 390, 6, 10, true)]);
        Assert.Equal((2.6, 390.0), (median.Seconds, median.PeakRssMiB));
    }
}
