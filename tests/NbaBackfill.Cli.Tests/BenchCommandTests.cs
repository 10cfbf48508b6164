using System.Text.Json;
using NbaBackfill.Cli.Commands;

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
}
