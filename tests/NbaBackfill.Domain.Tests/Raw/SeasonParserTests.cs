using NbaBackfill.Raw;

namespace NbaBackfill.Domain.Tests.Raw;

public class SeasonParserTests
{
    [Fact]
    public void Bundled_season_parses_whole_with_no_rejects()
    {
        var season = Fixtures.BundledSeason;
        Assert.Equal("2021-22", season.Season);
        Assert.Equal(26039, season.BoxScores.Count);
        Assert.Equal(1230, season.Games.Count);
        Assert.Equal(30, season.Teams.Count);
        Assert.Equal(165, season.GameDates.Count);
        Assert.Empty(season.Rejects);
        Assert.False(season.HasShotZones);
        // RFC 4180 and UTF-8: the diacritics survive.
        Assert.Contains(season.BoxScores, b => b.PlayerName == "Nikola Jokić");
    }

    public static TheoryData<string, string> MalformedRows => new()
    {
        { "30,x,10,2,4,1,2,2,3,5,3,1,0,2,3,13,0", "fgm 'x' is not a whole number" },
        { "30,-1,10,2,4,1,2,2,3,5,3,1,0,2,3,13,0", "fgm is negative (-1)" },
        { "30,11,10,2,4,1,2,2,3,5,3,1,0,2,3,13,0", "fgm 11 > fga 10" },
        { "30,5,10,5,4,1,2,2,3,5,3,1,0,2,3,13,0", "fg3m 5 > fg3a 4" },
        { "30,5,10,2,4,1,2,2,3,6,3,1,0,2,3,13,0", "reb 6 != oreb 2 + dreb 3" },
        { "30,5,10,2,4,3,2,2,3,5,3,1,0,2,3,13,0", "ftm 3 > fta 2" },
        { "30,5,10,2,11,1,2,2,3,5,3,1,0,2,3,13,0", "fg3a 11 > fga 10" },
        { "30,5,10,2,4,1,2,2,3,5,3,1,0,2,3,13", "expected 26 fields, found 25" },
    };

    [Theory]
    [MemberData(nameof(MalformedRows))]
    public void A_malformed_row_becomes_a_reject_with_line_and_reason_and_the_rest_loads(string stats, string reason)
    {
        var mini = MiniSeason.Daily(2);
        var gameId = mini.GameIds[0];
        mini.AppendRawBoxLine($"{gameId},2030-10-20,{MiniSeason.Season},1,AAA,BBB,true,99,Bad Row,{stats}");
        var season = mini.Parse();

        var reject = Assert.Single(season.Rejects);
        Assert.Equal(reason, reject.Reason);
        Assert.Equal(SeasonParser.BoxScoresFile, reject.SourceFile);
        Assert.Equal(18, reject.LineNumber); // header + 16 good rows, then the bad one
        Assert.Equal("99", reject.EntityId);
        Assert.Equal(MiniSeason.Day1, reject.GameDate);
        Assert.Equal(16, season.BoxScores.Count);
    }

    [Theory]
    [InlineData("ZZZ", "BBB", "unknown team 'ZZZ'")]
    [InlineData("AAA", "ZZZ", "unknown opponent team 'ZZZ'")]
    [InlineData("AAA", "CCC", "teams AAA/CCC did not play game")]
    public void Unknown_or_wrong_teams_are_rejected(string team, string opponent, string reason)
    {
        var mini = MiniSeason.Daily(1);
        mini.AppendRawBoxLine($"{mini.GameIds[0]},2030-10-20,{MiniSeason.Season},1,{team},{opponent},true,99,Bad Team,30,5,10,2,4,1,2,2,3,5,3,1,0,2,3,13,0");
        var reject = Assert.Single(mini.Parse().Rejects);
        Assert.StartsWith(reason, reject.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_player_rows_are_rejected_not_double_counted()
    {
        var mini = MiniSeason.Daily(1);
        mini.AddBoxRow(mini.GameIds[0], MiniSeason.Day1, 0, 1, true, 11);
        var season = mini.Parse();
        Assert.Contains("duplicate row", Assert.Single(season.Rejects).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_required_file_names_the_file()
    {
        var files = new Dictionary<string, string> { [SeasonParser.TeamsFile] = "team_id,team_abbr,team_name\n1,AAA,A\n" };
        var e = Assert.Throws<RawInputException>(() => SeasonParser.Parse(new StringRawSource(files)));
        Assert.Equal("fixture/games.csv: required file is missing", e.Message);
    }

    [Fact]
    public void Empty_file_and_unknown_columns_are_clear_errors()
    {
        var mini = MiniSeason.Daily(1);
        var empty = Assert.Throws<RawInputException>(() => mini.Parse(_ => ""));
        Assert.StartsWith("fixture/player_box_scores.csv: file is empty", empty.Message, StringComparison.Ordinal);
        var unknown = Assert.Throws<RawInputException>(() => mini.Parse(text => text.Replace("plus_minus\n", "plus_minus,bogus\n", StringComparison.Ordinal)));
        Assert.Equal("fixture/player_box_scores.csv: unknown column(s) bogus", unknown.Message);
        var missing = Assert.Throws<RawInputException>(() => mini.Parse(text => text.Replace(",plus_minus\n", "\n", StringComparison.Ordinal)));
        Assert.Equal("fixture/player_box_scores.csv: missing column(s) plus_minus", missing.Message);
    }

    [Fact]
    public void Quoted_names_with_commas_and_quotes_parse()
    {
        var lines = CsvReader.Read(new StringReader("a,b\n\"Smith, Jr.\",\"say \"\"hi\"\"\"\n")).ToList();
        Assert.Equal(["Smith, Jr.", "say \"hi\""], lines[1].Fields);
        Assert.Equal(2, lines[1].LineNumber);
    }

    [Fact]
    public void Shot_zone_rows_are_validated_and_dated_from_the_schedule()
    {
        var mini = MiniSeason.Daily(1, withZones: true);
        var source = mini.Build();
        var files = new Dictionary<string, string>
        {
            [SeasonParser.TeamsFile] = source.Open(SeasonParser.TeamsFile).ReadToEnd(),
            [SeasonParser.GamesFile] = source.Open(SeasonParser.GamesFile).ReadToEnd(),
            [SeasonParser.BoxScoresFile] = source.Open(SeasonParser.BoxScoresFile).ReadToEnd(),
            [SeasonParser.ShotZonesFile] = source.Open(SeasonParser.ShotZonesFile).ReadToEnd()
                + $"{mini.GameIds[0]},1,11,half_court_heave,1,0\n{mini.GameIds[0]},1,11,mid_range,1,2\n",
        };
        var season = SeasonParser.Parse(new StringRawSource(files));
        Assert.True(season.HasShotZones);
        Assert.Equal(40, season.ShotZones!.Count);
        Assert.All(season.ShotZones, z => Assert.Equal(MiniSeason.Day1, z.GameDate));
        Assert.Equal(["unknown zone 'half_court_heave'", "makes 2 > attempts 1"], season.Rejects.Select(r => r.Reason));
    }
}
