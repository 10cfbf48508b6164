using System.Globalization;
using NbaBackfill.Calendar;
using NbaBackfill.Validation;

namespace NbaBackfill.Raw;

/// <summary>Where a season's raw CSV files are read from (a folder, a landing zone, a test's strings).</summary>
public interface IRawFileSource
{
    /// <summary>A human-readable location of the file, used in error messages.</summary>
    string Describe(string fileName);

    bool Exists(string fileName);

    TextReader Open(string fileName);
}

/// <summary>A raw season that cannot be loaded at all (missing file, bad header, empty file).</summary>
public sealed class RawInputException(string message) : Exception(message);

/// <summary>
/// Parses and validates a season's raw files. A malformed row never stops the load and is never dropped silently:
/// it becomes a <see cref="RawReject"/> with file, line and reason.
/// </summary>
public static class SeasonParser
{
    public const string BoxScoresFile = "player_box_scores.csv";
    public const string GamesFile = "games.csv";
    public const string TeamsFile = "teams.csv";
    public const string ShotZonesFile = "player_shot_zones.csv";

    public static IReadOnlyList<string> Files { get; } = [TeamsFile, GamesFile, BoxScoresFile, ShotZonesFile];

    public static readonly IReadOnlySet<string> Zones = new HashSet<string>(StringComparer.Ordinal)
    {
        "restricted_area", "in_the_paint_non_ra", "mid_range", "left_corner_3", "right_corner_3", "above_the_break_3", "backcourt",
    };

    private static readonly string[] TeamColumns = ["team_id", "team_abbr", "team_name"];
    private static readonly string[] GameColumns = ["game_id", "game_date", "home_team_abbr", "away_team_abbr", "home_team_id", "away_team_id"];
    private static readonly string[] ZoneColumns = ["game_id", "team_id", "player_id", "zone", "attempts", "makes"];
    private static readonly string[] StatColumns =
        ["minutes", "fgm", "fga", "fg3m", "fg3a", "ftm", "fta", "oreb", "dreb", "reb", "ast", "stl", "blk", "tov", "pf", "pts"];
    private static readonly string[] BoxColumns =
    [
        "game_id", "game_date", "season", "team_id", "team_abbr", "opponent_abbr", "is_home", "player_id", "player_name",
        .. StatColumns, "plus_minus",
    ];

    /// <param name="seasonOverride">Season id to use instead of the box scores' season column (e.g. a second copy).</param>
    public static RawSeason Parse(IRawFileSource source, string? seasonOverride = null)
    {
        foreach (var required in new[] { TeamsFile, GamesFile, BoxScoresFile })
        {
            if (!source.Exists(required))
            {
                throw new RawInputException($"{source.Describe(required)}: required file is missing");
            }
        }

        var rejects = new List<RawReject>();
        var teams = ParseTeams(source);
        var teamsByAbbr = teams.ToDictionary(t => t.TeamAbbr, StringComparer.Ordinal);
        var teamIds = teams.Select(t => t.TeamId).ToHashSet();

        var (boxLines, boxHeader) = ReadTable(source, BoxScoresFile, BoxColumns);
        var season = seasonOverride ?? DetectSeason(source, boxLines, boxHeader);
        // The season id names folders, Blob prefixes and partitions: a CSV cell must not be able to name a path.
        Identifiers.RequireSeason(season, seasonOverride is not null ? "--season: " : $"{source.Describe(BoxScoresFile)}: season ");

        var games = ParseGames(source, season, teamsByAbbr, rejects);
        var gamesById = games.ToDictionary(g => g.GameId, StringComparer.Ordinal);
        var boxScores = ParseBoxScores(boxLines, boxHeader, season, teamsByAbbr, gamesById, rejects);
        List<RawShotZone>? zones = null;
        if (source.Exists(ShotZonesFile))
        {
            zones = ParseShotZones(source, season, teamIds, gamesById, rejects);
        }
        return new RawSeason(season, teams, games, boxScores, zones, rejects);
    }

    private static string DetectSeason(IRawFileSource source, List<CsvReader.CsvLine> lines, Dictionary<string, int> header)
    {
        var seasons = lines.Select(l => l.Fields.Count == header.Count ? l.Fields[header["season"]] : null)
            .Where(s => !string.IsNullOrWhiteSpace(s)).Distinct().ToList();
        return seasons.Count switch
        {
            1 => seasons[0]!,
            0 => throw new RawInputException($"{source.Describe(BoxScoresFile)}: no season value found"),
            _ => throw new RawInputException(
                $"{source.Describe(BoxScoresFile)}: holds several seasons ({string.Join(", ", seasons)}); load one season per folder"),
        };
    }

    private static (List<CsvReader.CsvLine> Lines, Dictionary<string, int> Header) ReadTable(
        IRawFileSource source, string file, string[] expected)
    {
        using var reader = source.Open(file);
        var all = CsvReader.Read(reader).ToList();
        if (all.Count == 0)
        {
            throw new RawInputException($"{source.Describe(file)}: file is empty (expected a header: {string.Join(",", expected)})");
        }
        var header = all[0].Fields.Select((name, i) => (name: name.Trim().TrimStart('\uFEFF'), i)).ToList();
        var unknown = header.Select(h => h.name).Except(expected, StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw new RawInputException($"{source.Describe(file)}: unknown column(s) {string.Join(", ", unknown)}");
        }
        var missing = expected.Except(header.Select(h => h.name), StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            throw new RawInputException($"{source.Describe(file)}: missing column(s) {string.Join(", ", missing)}");
        }
        var duplicated = header.GroupBy(h => h.name).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicated.Count > 0)
        {
            throw new RawInputException($"{source.Describe(file)}: duplicated column(s) {string.Join(", ", duplicated)}");
        }
        return (all.Skip(1).ToList(), header.ToDictionary(h => h.name, h => h.i, StringComparer.Ordinal));
    }

    private static List<RawTeam> ParseTeams(IRawFileSource source)
    {
        var (lines, h) = ReadTable(source, TeamsFile, TeamColumns);
        var teams = new List<RawTeam>();
        foreach (var line in lines)
        {
            // The team list is the reference every other file is validated against: a bad team row is fatal.
            if (line.Fields.Count != h.Count || !long.TryParse(line.Fields[h["team_id"]], CultureInfo.InvariantCulture, out var id)
                || string.IsNullOrWhiteSpace(line.Fields[h["team_abbr"]]))
            {
                throw new RawInputException($"{source.Describe(TeamsFile)} line {line.LineNumber}: malformed team row '{line.Text}'");
            }
            teams.Add(new RawTeam(id, line.Fields[h["team_abbr"]], line.Fields[h["team_name"]]));
        }
        if (teams.Count == 0)
        {
            throw new RawInputException($"{source.Describe(TeamsFile)}: no teams");
        }
        return teams;
    }

    private static List<RawGame> ParseGames(
        IRawFileSource source, string season, Dictionary<string, RawTeam> teams, List<RawReject> rejects)
    {
        var (lines, h) = ReadTable(source, GamesFile, GameColumns);
        var games = new List<RawGame>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var f = line.Fields;
            string? gameId = f.Count > h["game_id"] ? f[h["game_id"]] : null;
            DateOnly? date = f.Count > h["game_date"] && TryDate(f[h["game_date"]], out var d) ? d : null;
            string? Problem()
            {
                if (f.Count != h.Count) return $"expected {h.Count} fields, found {f.Count}";
                if (string.IsNullOrWhiteSpace(gameId)) return "empty game_id";
                if (date is null) return $"game_date '{f[h["game_date"]]}' is not YYYY-MM-DD";
                foreach (var col in new[] { "home_team_abbr", "away_team_abbr" })
                {
                    if (!teams.ContainsKey(f[h[col]])) return $"unknown team '{f[h[col]]}' in {col}";
                }
                foreach (var col in new[] { "home_team_id", "away_team_id" })
                {
                    if (!long.TryParse(f[h[col]], CultureInfo.InvariantCulture, out _)) return $"{col} '{f[h[col]]}' is not a number";
                }
                if (teams[f[h["home_team_abbr"]]].TeamId != long.Parse(f[h["home_team_id"]], CultureInfo.InvariantCulture)
                    || teams[f[h["away_team_abbr"]]].TeamId != long.Parse(f[h["away_team_id"]], CultureInfo.InvariantCulture))
                {
                    return "team id does not match team abbreviation";
                }
                if (f[h["home_team_abbr"]] == f[h["away_team_abbr"]]) return "home and away team are the same";
                if (!seen.Add(gameId)) return $"duplicate game_id {gameId}";
                return null;
            }
            var problem = Problem();
            if (problem is not null)
            {
                rejects.Add(new RawReject(season, GamesFile, line.LineNumber, date, gameId ?? $"line-{line.LineNumber}", "GAME", problem, line.Text));
                continue;
            }
            games.Add(new RawGame(gameId!, date!.Value, season, f[h["home_team_abbr"]], f[h["away_team_abbr"]],
                long.Parse(f[h["home_team_id"]], CultureInfo.InvariantCulture), long.Parse(f[h["away_team_id"]], CultureInfo.InvariantCulture)));
        }
        return games;
    }

    private static List<RawBoxScore> ParseBoxScores(
        List<CsvReader.CsvLine> lines, Dictionary<string, int> h, string season, Dictionary<string, RawTeam> teams,
        Dictionary<string, RawGame> games, List<RawReject> rejects)
    {
        var rows = new List<RawBoxScore>(lines.Count);
        var seen = new HashSet<(string, long)>();
        var stats = new int[StatColumns.Length];
        foreach (var line in lines)
        {
            var f = line.Fields;
            var complete = f.Count == h.Count;
            var gameId = f.Count > h["game_id"] ? f[h["game_id"]] : null;
            // Even a short row usually has its leading key columns: use them to name the entity.
            long? playerId = f.Count > h["player_id"] && long.TryParse(f[h["player_id"]], CultureInfo.InvariantCulture, out var pid) ? pid : null;
            DateOnly? date = f.Count > h["game_date"] && TryDate(f[h["game_date"]], out var d) ? d
                : gameId is not null && games.TryGetValue(gameId, out var g0) ? g0.GameDate : null;
            string? Problem()
            {
                if (!complete) return $"expected {h.Count} fields, found {f.Count}";
                if (playerId is null) return $"player_id '{f[h["player_id"]]}' is not a number";
                if (!TryDate(f[h["game_date"]], out var gameDate)) return $"game_date '{f[h["game_date"]]}' is not YYYY-MM-DD";
                if (!games.TryGetValue(gameId!, out var game)) return $"unknown game_id {gameId}";
                if (game.GameDate != gameDate) return $"game_date {f[h["game_date"]]} differs from the schedule's {game.GameDate:yyyy-MM-dd}";
                var team = f[h["team_abbr"]];
                var opponent = f[h["opponent_abbr"]];
                if (!teams.TryGetValue(team, out var teamRow)) return $"unknown team '{team}'";
                if (!teams.ContainsKey(opponent)) return $"unknown opponent team '{opponent}'";
                if (!long.TryParse(f[h["team_id"]], CultureInfo.InvariantCulture, out var teamId) || teamId != teamRow.TeamId)
                    return $"team_id '{f[h["team_id"]]}' does not match team {team}";
                if (!game.Teams.Contains(team) || !game.Teams.Contains(opponent) || team == opponent)
                    return $"teams {team}/{opponent} did not play game {gameId}";
                if (f[h["is_home"]] is not ("true" or "false")) return $"is_home '{f[h["is_home"]]}' is not true/false";
                if ((f[h["is_home"]] == "true") != (game.HomeTeamAbbr == team)) return "is_home disagrees with the schedule";
                if (string.IsNullOrWhiteSpace(f[h["player_name"]])) return "empty player_name";
                for (var i = 0; i < StatColumns.Length; i++)
                {
                    if (!int.TryParse(f[h[StatColumns[i]]], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out stats[i]))
                        return $"{StatColumns[i]} '{f[h[StatColumns[i]]]}' is not a whole number";
                    if (stats[i] < 0) return $"{StatColumns[i]} is negative ({stats[i]})";
                }
                if (!int.TryParse(f[h["plus_minus"]], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
                    return $"plus_minus '{f[h["plus_minus"]]}' is not a whole number";
                var (fgm, fga, fg3m, fg3a, ftm, fta, oreb, dreb, reb) = (stats[1], stats[2], stats[3], stats[4], stats[5], stats[6], stats[7], stats[8], stats[9]);
                if (fgm > fga) return $"fgm {fgm} > fga {fga}";
                if (fg3m > fg3a) return $"fg3m {fg3m} > fg3a {fg3a}";
                if (fg3a > fga) return $"fg3a {fg3a} > fga {fga}";
                if (fg3m > fgm) return $"fg3m {fg3m} > fgm {fgm}";
                if (ftm > fta) return $"ftm {ftm} > fta {fta}";
                if (reb != oreb + dreb) return $"reb {reb} != oreb {oreb} + dreb {dreb}";
                if (!seen.Add((gameId!, playerId.Value))) return $"duplicate row for game {gameId} player {playerId}";
                return null;
            }
            var problem = Problem();
            if (problem is not null)
            {
                var entity = playerId?.ToString(CultureInfo.InvariantCulture) ?? $"{BoxScoresFile}:{line.LineNumber}";
                rejects.Add(new RawReject(season, BoxScoresFile, line.LineNumber, date, entity, "PLAYER", problem, line.Text));
                continue;
            }
            rows.Add(new RawBoxScore(
                gameId!, date!.Value, season, long.Parse(f[h["team_id"]], CultureInfo.InvariantCulture), f[h["team_abbr"]],
                f[h["opponent_abbr"]], f[h["is_home"]] == "true", playerId!.Value, f[h["player_name"]],
                stats[0], stats[1], stats[2], stats[3], stats[4], stats[5], stats[6], stats[7], stats[8], stats[9],
                stats[10], stats[11], stats[12], stats[13], stats[14], stats[15],
                int.Parse(f[h["plus_minus"]], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)));
        }
        return rows;
    }

    private static List<RawShotZone> ParseShotZones(
        IRawFileSource source, string season, HashSet<long> teamIds, Dictionary<string, RawGame> games, List<RawReject> rejects)
    {
        var (lines, h) = ReadTable(source, ShotZonesFile, ZoneColumns);
        var rows = new List<RawShotZone>();
        var seen = new HashSet<(string, long, string)>();
        foreach (var line in lines)
        {
            var f = line.Fields;
            var complete = f.Count == h.Count;
            long? playerId = complete && long.TryParse(f[h["player_id"]], CultureInfo.InvariantCulture, out var pid) ? pid : null;
            RawGame? game = complete && games.TryGetValue(f[h["game_id"]], out var g) ? g : null;
            int attempts = 0, makes = 0;
            long teamId = 0;
            string? Problem()
            {
                if (!complete) return $"expected {h.Count} fields, found {f.Count}";
                if (playerId is null) return $"player_id '{f[h["player_id"]]}' is not a number";
                if (game is null) return $"unknown game_id {f[h["game_id"]]}";
                if (!long.TryParse(f[h["team_id"]], CultureInfo.InvariantCulture, out teamId) || !teamIds.Contains(teamId))
                    return $"unknown team_id '{f[h["team_id"]]}'";
                if (!Zones.Contains(f[h["zone"]])) return $"unknown zone '{f[h["zone"]]}'";
                if (!int.TryParse(f[h["attempts"]], CultureInfo.InvariantCulture, out attempts) || attempts < 0)
                    return $"attempts '{f[h["attempts"]]}' is not a non-negative whole number";
                if (!int.TryParse(f[h["makes"]], CultureInfo.InvariantCulture, out makes) || makes < 0)
                    return $"makes '{f[h["makes"]]}' is not a non-negative whole number";
                if (makes > attempts) return $"makes {makes} > attempts {attempts}";
                if (!seen.Add((game.GameId, playerId.Value, f[h["zone"]]))) return "duplicate zone row";
                return null;
            }
            var problem = Problem();
            if (problem is not null)
            {
                var entity = playerId?.ToString(CultureInfo.InvariantCulture) ?? $"{ShotZonesFile}:{line.LineNumber}";
                rejects.Add(new RawReject(season, ShotZonesFile, line.LineNumber, game?.GameDate, entity, "PLAYER", problem, line.Text));
                continue;
            }
            rows.Add(new RawShotZone(game!.GameId, game.GameDate, season, teamId, playerId!.Value, f[h["zone"]], attempts, makes));
        }
        return rows;
    }

    private static bool TryDate(string text, out DateOnly date) =>
        DateOnly.TryParseExact(text, DateRange.IsoFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
}
