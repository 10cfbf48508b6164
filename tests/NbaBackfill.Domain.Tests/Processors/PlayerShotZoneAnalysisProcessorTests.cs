using NbaBackfill.Failures;
using NbaBackfill.Processors;

namespace NbaBackfill.Domain.Tests.Processors;

public class PlayerShotZoneAnalysisProcessorTests
{
    [Fact]
    public void Jokic_on_his_11th_game_has_his_first_ten_games_pooled()
    {
        // Derived by hand from player_box_scores.csv: Jokić's first 10 games (2021-10-20 .. 2021-11-08) sum to
        // FGA 161, FGM 98, 3PA 40, 3PM 16, FTA 53. Rates are pooled: two_pt_rate = (161-40)/161, two_pt_pct = (98-16)/(161-40).
        var row = BundledPipeline.Result.Row(PszaRow.Schema, PszaRow.From, r => r.PlayerId == 203999 && r.AnalysisDate == Fixtures.Date("2021-11-12"));
        Assert.Equal(10, row.GamesInWindow);
        Assert.Equal((Fixtures.Date("2021-10-20"), Fixtures.Date("2021-11-08")), (row.WindowStart, row.WindowEnd));
        Assert.Equal(16.1, row.FgaPerGame, 12);
        Assert.Equal(121.0 / 161, row.TwoPtRate!.Value, 12);
        Assert.Equal(40.0 / 161, row.ThreePtRate!.Value, 12);
        Assert.Equal(53.0 / 161, row.FtRate!.Value, 12);
        Assert.Equal(82.0 / 121, row.TwoPtPct!.Value, 12);
        Assert.Equal(0.4, row.ThreePtPct!.Value, 12);
        Assert.Null(row.PaintRate);
    }

    [Fact]
    public void Bootstrap_edge_nine_prior_games_fail_ten_succeed()
    {
        // 2021-11-08 is Jokić's 10th game: 9 games before it.
        var failure = BundledPipeline.Result.Failure(ProcessorId.PSZA, "2021-11-08", "203999");
        Assert.Equal(FailureCategory.InsufficientData, failure.FailureCategory);
        Assert.Equal(FailureType.InsufficientHistory, failure.FailureType);
        Assert.False(failure.IsCorrectable);
        Assert.Equal((10, 9), (failure.ExpectedGameCount, failure.ActualGameCount));
        Assert.DoesNotContain(BundledPipeline.Result.All(PszaRow.Schema, PszaRow.From), r => r.PlayerId == 203999 && r.AnalysisDate == Fixtures.Date("2021-11-08"));
    }

    [Fact]
    public void Traded_player_window_crosses_teams()
    {
        // Harden's first PHI game (2022-02-25): his last 10 games were all for BKN, 2022-01-12 .. 2022-02-02, 174 FGA.
        var row = BundledPipeline.Result.Row(PszaRow.Schema, PszaRow.From, r => r.PlayerId == 201935 && r.AnalysisDate == Fixtures.Date("2022-02-25"));
        Assert.Equal((Fixtures.Date("2022-01-12"), Fixtures.Date("2022-02-02")), (row.WindowStart, row.WindowEnd));
        Assert.Equal(17.4, row.FgaPerGame, 12);
        Assert.Equal(65.0 / 174, row.ThreePtRate!.Value, 12);
    }

    [Fact]
    public async Task Zone_rates_and_pcts_are_pooled_over_the_window()
    {
        // Each fixture game: paint 4 attempts (3 made), mid-range 2 (0), corner three 1 (1), above the break 3 (1).
        var w = InMemoryWarehouse.Of(MiniSeason.Daily(11, withZones: true).Parse());
        var day11 = MiniSeason.Day1.AddDays(10);
        var result = await w.RunAllAsync(new(MiniSeason.Day1, day11), Fixtures.Stamp, [ProcessorId.PGS, ProcessorId.PSZA]);
        var row = result[ProcessorId.PSZA].Rows.Cast<PszaRow>().Single(r => r.PlayerId == 11);
        Assert.Equal(day11, row.AnalysisDate);
        Assert.Equal((0.4, 0.2, 0.1, 0.3), (row.PaintRate!.Value, row.MidRangeRate!.Value, row.CornerThreeRate!.Value, row.AboveBreakThreeRate!.Value));
        Assert.Equal(0.75, row.PaintPct!.Value, 12);
        Assert.Equal(0.0, row.MidRangePct!.Value, 12);
        Assert.Equal(1.0, row.CornerThreePct!.Value, 12);
        Assert.Equal(1.0 / 3, row.AboveBreakThreePct!.Value, 12);
        Assert.Equal((0.6, 0.4, 0.2, 0.5, 0.5), (row.TwoPtRate, row.ThreePtRate, row.FtRate, row.TwoPtPct, row.ThreePtPct));
        // Ten earlier dates are bootstrap skips for every player.
        Assert.Equal(80, result[ProcessorId.PSZA].Failures.Count(f => f.FailureCategory == FailureCategory.InsufficientData));
    }

    [Fact]
    public async Task Zero_field_goal_attempts_in_the_window_is_NO_SHOT_ZONE()
    {
        var mini = MiniSeason.Daily(11);
        var w = InMemoryWarehouse.Of(mini.Parse(text => text.Replace(",Player 12,30,5,10,2,4,1,2,2,3,5,3,1,0,2,3,13,0", ",Player 12,10,0,0,0,0,0,0,0,1,1,0,0,0,0,0,0,0", StringComparison.Ordinal)));
        var result = await w.RunAllAsync(new(MiniSeason.Day1, MiniSeason.Day1.AddDays(10)), Fixtures.Stamp, [ProcessorId.PGS, ProcessorId.PSZA]);
        var failure = Assert.Single(result[ProcessorId.PSZA].Failures, f => f.FailureCategory == FailureCategory.NoShotZone);
        Assert.Equal(("12", FailureType.InsufficientHistory), (failure.EntityId, failure.FailureType));
    }

    [Fact]
    public async Task A_window_short_because_team_games_have_no_raw_rows_is_a_correctable_DATA_GAP()
    {
        // AAA has no raw rows on day 3: on day 10 its players have 9 games, not 10 — not a bootstrap, a gap.
        var mini = MiniSeason.Daily(11, (day, player) => day == 3 && player is 11 or 12);
        var w = InMemoryWarehouse.Of(mini.Parse());
        var day10 = MiniSeason.Day1.AddDays(10);
        var result = await w.RunAllAsync(new(MiniSeason.Day1, day10), Fixtures.Stamp, [ProcessorId.PGS, ProcessorId.PSZA]);
        var gap = Assert.Single(result[ProcessorId.PSZA].Failures, f => f.EntityId == "11" && f.AnalysisDate == day10);
        Assert.Equal((FailureCategory.InsufficientData, FailureType.DataGap, true, 9), (gap.FailureCategory, gap.FailureType, gap.IsCorrectable, gap.ActualGameCount!.Value));
        Assert.Equal($"[\"{mini.GameIds[6]}\"]", gap.MissingGameIds);
        // BBB's players have all 10 games: rows. Earlier dates stay plain bootstrap skips (no gap before day 3).
        Assert.Contains(result[ProcessorId.PSZA].Rows.Cast<PszaRow>(), r => r.PlayerId == 21 && r.AnalysisDate == day10);
        Assert.Equal(FailureType.InsufficientHistory, Assert.Single(result[ProcessorId.PSZA].Failures, f => f.EntityId == "11" && f.AnalysisDate == MiniSeason.Day1.AddDays(2)).FailureType);
    }
}
