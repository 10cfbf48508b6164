using NbaBackfill.Failures;
using NbaBackfill.Processors;

namespace NbaBackfill.Domain.Tests.Processors;

public class TeamDefenseZoneAnalysisProcessorTests
{
    [Fact]
    public void Denver_on_2021_12_01_matches_the_hand_computation()
    {
        // Derived with a short script over player_box_scores.csv: opponent rows (opponent_abbr = DEN) of DEN's last
        // 15 games before 2021-12-01 (2021-10-30 .. 2021-11-29), pooled; league = all rows before the date,
        // pts per game over 1,272 team-games.
        var row = BundledPipeline.Result.Row(TdzaRow.Schema, TdzaRow.From, r => r.TeamAbbr == "DEN" && r.AnalysisDate == Fixtures.Date("2021-12-01"));
        Assert.Equal(15, row.GamesInWindow);
        Assert.Equal((Fixtures.Date("2021-10-30"), Fixtures.Date("2021-11-29")), (row.WindowStart, row.WindowEnd));
        Assert.Equal(0.5581699346405229, row.OppTwoPtPct!.Value, 12);
        Assert.Equal(0.35067437379576105, row.OppThreePtPct!.Value, 12);
        Assert.Equal(0.40420560747663553, row.OppThreePtRate!.Value, 12);
        Assert.Equal(0.1954828660436137, row.OppFtRate!.Value, 12);
        Assert.Equal(105.86666666666666, row.OppPtsPerGame, 10);
        Assert.Equal(0.038016554936581404, row.OppTwoPtPctVsLeague!.Value, 12);
        Assert.Equal(0.007292118077130871, row.OppThreePtPctVsLeague!.Value, 12);
        Assert.Equal(-1.3911949685534637, row.OppPtsPerGameVsLeague!.Value, 10);
    }

    [Fact]
    public void Early_season_teams_are_bootstrap_failures_one_per_team()
    {
        var failures = BundledPipeline.Result.Failures(ProcessorId.TDZA).Where(f => f.AnalysisDate == Fixtures.Date("2021-10-19")).ToList();
        Assert.Equal(["BKN", "GSW", "LAL", "MIL"], failures.Select(f => f.EntityId).Order(StringComparer.Ordinal));
        Assert.All(failures, f => Assert.Equal((EntityType.Team, FailureCategory.InsufficientData, 0), (f.EntityType, f.FailureCategory, f.ActualGameCount!.Value)));
        // Every team reaches 10 games at some point: 300 = 30 teams × their first 10 game dates.
        Assert.Equal(300, BundledPipeline.Result.Failures(ProcessorId.TDZA).Count);
    }
}
