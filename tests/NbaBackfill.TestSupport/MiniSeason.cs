using System.Globalization;
using System.Text;
using NbaBackfill.Raw;

namespace NbaBackfill.TestSupport;

/// <summary>
/// A small hand-made season: four teams (AAA, BBB, CCC, DDD), AAA–BBB and CCC–DDD meeting every day, two players a
/// team with fixed stat lines, plus whatever edits a test makes to the CSV text.
/// </summary>
public sealed class MiniSeason
{
    public const string Season = "2030-31";
    public static readonly DateOnly Day1 = new(2030, 10, 20);
    public static readonly (string Abbr, long Id)[] Teams = [("AAA", 1), ("BBB", 2), ("CCC", 3), ("DDD", 4)];

    private readonly StringBuilder _games = new("game_id,game_date,home_team_abbr,away_team_abbr,home_team_id,away_team_id\n");
    private readonly StringBuilder _box = new(
        "game_id,game_date,season,team_id,team_abbr,opponent_abbr,is_home,player_id,player_name,minutes,fgm,fga,fg3m,fg3a,ftm,fta,oreb,dreb,reb,ast,stl,blk,tov,pf,pts,plus_minus\n");
    private StringBuilder? _zones;
    private int _gameNumber;
    private string _season = Season;

    public List<string> GameIds { get; } = [];

    /// <summary>Builds <paramref name="days"/> consecutive game days; <paramref name="skip"/> drops a player's games.</summary>
    public static MiniSeason Daily(int days, Func<int, long, bool>? skip = null, bool withZones = false) => Daily(Season, Day1, days, skip, withZones);

    /// <summary>The same, for another season label (e.g. "2004-05") starting on <paramref name="firstDay"/>.</summary>
    public static MiniSeason Daily(string label, DateOnly firstDay, int days, Func<int, long, bool>? skip = null, bool withZones = false)
    {
        var season = new MiniSeason { _season = label };
        if (withZones) season._zones = new StringBuilder("game_id,team_id,player_id,zone,attempts,makes\n");
        for (var day = 0; day < days; day++)
        {
            var date = firstDay.AddDays(day);
            foreach (var (home, away) in new[] { (0, 1), (2, 3) })
            {
                var id = season.AddGame(date, Teams[home].Abbr, Teams[away].Abbr);
                foreach (var (team, opp, isHome) in new[] { (home, away, true), (away, home, false) })
                {
                    foreach (var player in new[] { (Teams[team].Id * 10) + 1, (Teams[team].Id * 10) + 2 })
                    {
                        if (skip?.Invoke(day, player) == true) continue;
                        season.AddBoxRow(id, date, team, opp, isHome, player);
                        if (withZones)
                        {
                            // 6 two-point attempts (4 paint, 2 mid-range) and 4 threes (1 corner, 3 above the break).
                            season._zones!.Append(CultureInfo.InvariantCulture, $"{id},{Teams[team].Id},{player},restricted_area,3,2\n");
                            season._zones.Append(CultureInfo.InvariantCulture, $"{id},{Teams[team].Id},{player},in_the_paint_non_ra,1,1\n");
                            season._zones.Append(CultureInfo.InvariantCulture, $"{id},{Teams[team].Id},{player},mid_range,2,0\n");
                            season._zones.Append(CultureInfo.InvariantCulture, $"{id},{Teams[team].Id},{player},left_corner_3,1,1\n");
                            season._zones.Append(CultureInfo.InvariantCulture, $"{id},{Teams[team].Id},{player},above_the_break_3,3,1\n");
                        }
                    }
                }
            }
        }
        return season;
    }

    public string AddGame(DateOnly date, string home, string away)
    {
        // NBA game ids carry the season's year: ids of different seasons never collide.
        var id = $"009{_season[2..4]}{++_gameNumber:00000}";
        GameIds.Add(id);
        _games.Append(CultureInfo.InvariantCulture,
            $"{id},{date:yyyy-MM-dd},{home},{away},{Teams.First(t => t.Abbr == home).Id},{Teams.First(t => t.Abbr == away).Id}\n");
        return id;
    }

    /// <summary>A stat line of 13 points: 5/10 FG (2/4 from three), 1/2 FT, 5 rebounds, 30 minutes.</summary>
    public void AddBoxRow(string gameId, DateOnly date, int team, int opp, bool isHome, long player, string? statsOverride = null) =>
        _box.Append(CultureInfo.InvariantCulture,
            $"{gameId},{date:yyyy-MM-dd},{_season},{Teams[team].Id},{Teams[team].Abbr},{Teams[opp].Abbr},{(isHome ? "true" : "false")},{player},Player {player},{statsOverride ?? "30,5,10,2,4,1,2,2,3,5,3,1,0,2,3,13,0"}\n");

    public string AppendRawBoxLine(string line)
    {
        _box.Append(line).Append('\n');
        return line;
    }

    public StringRawSource Build(Func<string, string>? editBoxScores = null)
    {
        var teams = new StringBuilder("team_id,team_abbr,team_name\n");
        foreach (var (abbr, id) in Teams) teams.Append(CultureInfo.InvariantCulture, $"{id},{abbr},Team {abbr}\n");
        var files = new Dictionary<string, string>
        {
            [SeasonParser.TeamsFile] = teams.ToString(),
            [SeasonParser.GamesFile] = _games.ToString(),
            [SeasonParser.BoxScoresFile] = editBoxScores is null ? _box.ToString() : editBoxScores(_box.ToString()),
        };
        if (_zones is not null) files[SeasonParser.ShotZonesFile] = _zones.ToString();
        return new StringRawSource(files);
    }

    /// <summary>Writes the season's CSV files into a folder (what `load --season-dir` reads).</summary>
    public string WriteTo(string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var file in SeasonParser.Files)
        {
            var source = Build();
            if (source.Exists(file)) File.WriteAllText(Path.Combine(directory, file), source.Open(file).ReadToEnd());
        }
        return directory;
    }

    public RawSeason Parse(Func<string, string>? editBoxScores = null) => SeasonParser.Parse(Build(editBoxScores));
}
