using System.Text.Json;
using NbaBackfill.Calendar;
using NbaBackfill.Failures;
using NbaBackfill.Planning;
using NbaBackfill.Processors;
using NbaBackfill.Raw;

namespace NbaBackfill.Domain.Tests.Processors;

public class PlayerDailyCacheProcessorTests
{
    [Fact]
    public void Jokic_on_2021_12_17_averages_and_completeness()
    {
        // Hand-derived: 23 games before the date; last 5 pts 30.2, last 10 27.2, season 611/23; last 10 reb 13.3,
        // minutes 33.9; DEN played 7 games in 2021-12-03 .. 2021-12-16 and Jokić played all 7.
        var row = BundledPipeline.Result.Row(PdcRow.Schema, PdcRow.From, r => r.PlayerId == 203999 && r.CacheDate == Fixtures.Date("2021-12-17"));
        Assert.Equal(23, row.GamesPlayedSeason);
        Assert.Equal(30.2, row.Pts.Last5, 12);
        Assert.Equal(27.2, row.Pts.Last10, 12);
        Assert.Equal(611.0 / 23, row.Pts.Season, 12);
        Assert.Equal(13.3, row.Reb.Last10, 12);
        Assert.Equal(33.9, row.Minutes.Last10, 12);
        Assert.Equal((7, 7, 1.0), (row.GamesLast14Days, row.TeamGamesLast14Days, row.Completeness));
    }

    [Fact]
    public void Traded_player_before_joining_is_PLAYER_DNP_against_his_new_teams_schedule()
    {
        // Harden's first PHI game: PHI played 4 games in the 14 days before, all with raw rows, none with Harden.
        var failure = BundledPipeline.Result.Failure(ProcessorId.PDC, "2022-02-25", "201935");
        Assert.Equal((FailureCategory.IncompleteData, FailureType.PlayerDnp, false, false), (failure.FailureCategory, failure.FailureType, failure.IsCorrectable, failure.CanRetry));
        Assert.Equal((4, 0, true), (failure.ExpectedGameCount!.Value, failure.ActualGameCount!.Value, failure.RawDataChecked));
        Assert.Equal(4, JsonSerializer.Deserialize<string[]>(failure.MissingGameDates!)!.Length);
        Assert.Equal(4, JsonSerializer.Deserialize<string[]>(failure.MissingGameIds!)!.Length);
    }

    [Theory]
    [InlineData("gap", FailureType.DataGap, true)]
    [InlineData("dnp", FailureType.PlayerDnp, false)]
    [InlineData("mixed", FailureType.Mixed, true)]
    public async Task Incomplete_player_dates_are_classified_from_raw_rows(string scenario, string type, bool correctable)
    {
        // 14 daily games; on day 13 the window holds 13 AAA games. "gap": AAA has no raw rows on days 11-12.
        // "dnp": player 11 sat days 11-12 (AAA has rows). "mixed": he sat day 10 and AAA has no rows on days 11-12.
        Func<int, long, bool> skip = scenario switch
        {
            "gap" => (day, player) => day is 11 or 12 && player is 11 or 12,
            "dnp" => (day, player) => day is 11 or 12 && player is 11,
            _ => (day, player) => (day is 11 or 12 && player is 11 or 12) || (day == 10 && player == 11),
        };
        var w = InMemoryWarehouse.Of(MiniSeason.Daily(14, skip).Parse());
        var day13 = MiniSeason.Day1.AddDays(13);
        await w.RunAllAsync(new(MiniSeason.Day1, day13), Fixtures.Stamp);
        var failure = Assert.Single(w.Failures(ProcessorId.PDC), f => f.EntityId == "11" && f.AnalysisDate == day13);
        Assert.Equal((FailureCategory.IncompleteData, type, correctable), (failure.FailureCategory, failure.FailureType, failure.IsCorrectable));
        Assert.Equal(13, failure.ExpectedGameCount);
        var missing = JsonSerializer.Deserialize<string[]>(failure.MissingGameDates!)!;
        Assert.Equal(scenario == "mixed" ? 3 : 2, missing.Length);
        Assert.Equal(DateRange.Format(MiniSeason.Day1.AddDays(12)), missing[^1]);
        // Downstream inherits the classification.
        var mlfs = Assert.Single(w.Failures(ProcessorId.MLFS), f => f.EntityId == "11" && f.AnalysisDate == day13);
        Assert.Equal((FailureCategory.MissingUpstream, type, correctable), (mlfs.FailureCategory, mlfs.FailureType, mlfs.IsCorrectable));
    }

    [Fact]
    public void Fewer_than_five_prior_games_is_INSUFFICIENT_DATA_after_the_upstream_check()
    {
        var season = MiniSeason.Daily(4).Parse();
        var games = PlayerGameSummaryProcessor.Compute(
            new(season.Games, season.BoxScores, [], new HashSet<string>(), []), new(MiniSeason.Day1, MiniSeason.Day1.AddDays(3)), Fixtures.Stamp)
            .Rows.Cast<PgsRow>().ToList();
        var day = MiniSeason.Day1.AddDays(3);
        var pcf = new PcfRow(day, MiniSeason.Season, 11, "AAA", "BBB", true, 0, true, 3, 90, 85, null);
        var result = PlayerDailyCacheProcessor.Compute(
            new(season.Games, games, new HashSet<(DateOnly, long)> { (pcf.GameDate, pcf.PlayerId) }, [], new HashSet<(string, string)>()), DateRange.Single(day), Fixtures.Stamp);
        var own = Assert.Single(result.Failures, f => f.EntityId == "11");
        Assert.Equal((FailureCategory.InsufficientData, 5, 3), (own.FailureCategory, own.ExpectedGameCount!.Value, own.ActualGameCount!.Value));
        // Every other player has no PCF row and no PCF failure: unexplained upstream, never silent.
        Assert.All(result.Failures.Where(f => f.EntityId != "11"), f => Assert.Equal((FailureCategory.MissingUpstream, FailureType.Unknown), (f.FailureCategory, f.FailureType)));
    }
}

public class PlayerDailyCacheLookbackTests
{
    [Fact]
    public void Every_date_reads_each_players_earlier_season_games_and_the_14_day_window_exactly()
    {
        // Two seasons, so the window never reaches across the off-season into the other one.
        var seasons = new[] { Fixtures.BundledSeason, SyntheticSeasons.Shifted(Fixtures.BundledSeason, 1) };
        var calendar = new PlanningCalendar(seasons.SelectMany(s => s.Games), seasons.SelectMany(s => s.BoxScores).Select(b => (b.Season, b.GameDate, b.PlayerId)));
        foreach (var date in calendar.Dates)
        {
            // The definition, written the plain way: every earlier game of every player on the date, and every game
            // date of the season in the 14 days before.
            var season = calendar.SeasonOf[date];
            var expected = calendar.PlayersOn[date].SelectMany(p => calendar.PlayerDatesBefore(season, p, date).ToArray())
                .Concat(calendar.Dates.Where(d => d < date && d >= date.AddDays(-PlayerDailyCacheProcessor.CompletenessWindowDays) && calendar.SeasonOf[d] == season))
                .Distinct().Order().Select(d => (ProcessorId.PGS, d)).ToList();
            var edges = BackfillPlanner.DependenciesOf(ProcessorId.PDC, date, calendar);
            Assert.Equal([(ProcessorId.PCF, date), .. expected], edges);
        }
    }
}
