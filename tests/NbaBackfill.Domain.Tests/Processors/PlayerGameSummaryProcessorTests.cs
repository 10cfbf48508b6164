using NbaBackfill.Failures;
using NbaBackfill.Processors;

namespace NbaBackfill.Domain.Tests.Processors;

public class PlayerGameSummaryProcessorTests
{
    [Theory]
    [InlineData("Nikola Jokić", "nikolajokic")]
    [InlineData("Kristaps Porziņģis", "kristapsporzingis")]
    [InlineData("Dennis Schröder", "dennisschroder")]
    [InlineData("Gary Trent Jr.", "garytrentjr")]
    [InlineData("D'Angelo Russell", "dangelorussell")]
    public void Player_lookup_folds_case_diacritics_and_punctuation(string name, string lookup) =>
        Assert.Equal(lookup, PlayerLookup.Normalize(name));

    [Fact]
    public void Real_rows_carry_box_stats_and_derived_splits()
    {
        // Jokić, 2021-10-20 at PHX (box score: 10/17 FG, 0/2 3P, 7/7 FT... read from the raw row itself).
        var w = BundledPipeline.Result;
        var raw = Fixtures.BundledSeason.BoxScores.First(b => b.PlayerId == 203999);
        var row = w.Row(PgsRow.Schema, PgsRow.From, r => r.PlayerId == 203999 && r.GameDate == raw.GameDate);
        Assert.Equal("nikolajokic", row.PlayerLookup);
        Assert.Equal(raw.Fga - raw.Fg3a, row.TwoPa);
        Assert.Equal(raw.Fgm - raw.Fg3m, row.TwoPm);
        Assert.Equal(raw.Pts / (2 * (raw.Fga + (0.44 * raw.Fta))), row.TsPct!.Value, 12);
        Assert.Null(row.Zones); // the bundled season has no shot zones
        Assert.Equal(26039, w.Rows(PgsRow.Schema).Count);
    }

    [Fact]
    public void Ts_pct_is_null_on_zero_attempts()
    {
        var w = BundledPipeline.Result;
        var rows = w.All(PgsRow.Schema, PgsRow.From).Where(r => r.Fga == 0 && r.Fta == 0).ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Null(r.TsPct));
    }

    [Fact]
    public async Task Malformed_rows_become_INVALID_INPUT_failures_and_get_no_row()
    {
        var mini = MiniSeason.Daily(2);
        mini.AppendRawBoxLine($"{mini.GameIds[0]},2030-10-20,{MiniSeason.Season},1,AAA,BBB,true,99,Bad Row,30,11,10,2,4,1,2,2,3,5,3,1,0,2,3,13,0");
        var w = InMemoryWarehouse.Of(mini.Parse());
        var result = await w.RunAllAsync(new(MiniSeason.Day1, MiniSeason.Day1.AddDays(1)), Fixtures.Stamp, [ProcessorId.PGS]);

        Assert.Equal(16, result[ProcessorId.PGS].Rows.Count);
        var failure = Assert.Single(result[ProcessorId.PGS].Failures);
        Assert.Equal(("99", FailureCategory.InvalidInput, FailureType.DataGap, true), (failure.EntityId, failure.FailureCategory, failure.FailureType, failure.IsCorrectable));
        Assert.Equal("player_box_scores.csv line 18: fgm 11 > fga 10", failure.FailureReason);
        Assert.Equal(MiniSeason.Day1, failure.AnalysisDate);
    }

    [Fact]
    public async Task Zone_counts_are_grouped_and_a_player_without_zone_rows_counts_zero()
    {
        var mini = MiniSeason.Daily(1, withZones: true);
        // Player 99 of AAA played with field-goal attempts but has no zone rows.
        mini.AddBoxRow(mini.GameIds[0], MiniSeason.Day1, 0, 1, true, 99);
        var w = InMemoryWarehouse.Of(mini.Parse());
        var result = await w.RunAllAsync(new(MiniSeason.Day1, MiniSeason.Day1), Fixtures.Stamp, [ProcessorId.PGS]);
        var rows = result[ProcessorId.PGS].Rows.Cast<PgsRow>().ToList();
        Assert.Equal(new ZoneCounts(4, 3, 2, 0, 1, 1, 3, 1), rows.Single(r => r.PlayerId == 11).Zones);
        Assert.Equal(ZoneCounts.Zero, rows.Single(r => r.PlayerId == 99).Zones);
    }
}
