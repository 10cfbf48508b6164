using NbaBackfill.Failures;
using NbaBackfill.Processors;

namespace NbaBackfill.Domain.Tests.Processors;

public class PlayerCompositeFactorsProcessorTests
{
    [Theory]
    // Jokić: previous game two days before → days_rest 1; window D-7..D-1 from the box scores.
    [InlineData("2021-12-11", 1, 4, 135, 86.25)]
    [InlineData("2021-12-13", 1, 4, 142, 84.5)]
    [InlineData("2021-12-17", 1, 3, 100, 100.0)]
    public void Jokic_rest_and_fatigue(string date, int daysRest, int games7, int minutes7, double fatigue)
    {
        var row = BundledPipeline.Result.Row(PcfRow.Schema, PcfRow.From, r => r.PlayerId == 203999 && r.GameDate == Fixtures.Date(date));
        Assert.Equal((daysRest, false, games7, minutes7), (row.DaysRest!.Value, row.IsBackToBack, row.GamesLast7Days, row.MinutesLast7Days));
        Assert.Equal(fatigue, row.FatigueScore, 12);
    }

    [Theory]
    [InlineData(false, 3, 100, 100)]
    [InlineData(true, 3, 100, 85)]
    [InlineData(true, 7, 210, 37.5)]
    [InlineData(true, 7, 500, 0)]
    public void Fatigue_formula_clamps(bool b2b, int games7, int minutes7, double expected) =>
        Assert.Equal(expected, PlayerCompositeFactorsProcessor.FatigueScore(b2b, games7, minutes7), 12);

    [Fact]
    public async Task Daily_games_are_back_to_back_with_a_full_week()
    {
        var w = InMemoryWarehouse.Of(MiniSeason.Daily(12).Parse());
        var last = MiniSeason.Day1.AddDays(11);
        var result = await w.RunAllAsync(new(MiniSeason.Day1, last), Fixtures.Stamp, [ProcessorId.PGS, ProcessorId.PSZA, ProcessorId.TDZA, ProcessorId.PCF]);
        var row = result[ProcessorId.PCF].Rows.Cast<PcfRow>().Single(r => r.PlayerId == 11 && r.GameDate == last);
        Assert.Equal((0, true, 7, 210, 37.5), (row.DaysRest!.Value, row.IsBackToBack, row.GamesLast7Days, row.MinutesLast7Days, row.FatigueScore));
    }

    [Fact]
    public void Shot_zone_mismatch_combines_player_rates_and_opponent_defense()
    {
        var w = BundledPipeline.Result;
        var d = Fixtures.Date("2021-12-17");
        var pcf = w.Row(PcfRow.Schema, PcfRow.From, r => r.PlayerId == 203999 && r.GameDate == d);
        var psza = w.Row(PszaRow.Schema, PszaRow.From, r => r.PlayerId == 203999 && r.AnalysisDate == d);
        var tdza = w.Row(TdzaRow.Schema, TdzaRow.From, r => r.TeamAbbr == "ATL" && r.AnalysisDate == d);
        Assert.Equal("ATL", pcf.OpponentAbbr);
        Assert.Equal(100 * ((psza.TwoPtRate!.Value * tdza.OppTwoPtPctVsLeague!.Value) + (psza.ThreePtRate!.Value * tdza.OppThreePtPctVsLeague!.Value)), pcf.ShotZoneMismatch!.Value, 12);
    }

    [Fact]
    public void Missing_PSZA_is_MISSING_UPSTREAM_inheriting_the_bootstrap_type()
    {
        var failure = BundledPipeline.Result.Failure(ProcessorId.PCF, "2021-11-08", "203999");
        Assert.Equal((FailureCategory.MissingUpstream, FailureType.InsufficientHistory, false), (failure.FailureCategory, failure.FailureType, failure.IsCorrectable));
        Assert.StartsWith("PSZA has no row for player 203999: INSUFFICIENT_DATA", failure.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void PSZA_is_blamed_before_TDZA_and_TDZA_alone_is_named()
    {
        // Opening night: both PSZA (no history) and TDZA (no history) fail for every player; PSZA is blamed.
        var opening = BundledPipeline.Result.Failures(ProcessorId.PCF).Where(f => f.AnalysisDate == Fixtures.Date("2021-10-19")).ToList();
        Assert.NotEmpty(opening);
        Assert.All(opening, f => Assert.StartsWith("PSZA has no row", f.FailureReason, StringComparison.Ordinal));
        // Where the player has PSZA but his opponent has no TDZA yet, TDZA is named with the team.
        var tdzaBlamed = BundledPipeline.Result.Failures(ProcessorId.PCF).Where(f => f.FailureReason.StartsWith("TDZA", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(tdzaBlamed);
        Assert.All(tdzaBlamed, f => Assert.Matches("^TDZA has no row for team [A-Z]{3}: INSUFFICIENT_DATA$", f.FailureReason));
    }
}
