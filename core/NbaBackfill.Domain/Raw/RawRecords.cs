using NbaBackfill.Tables;

namespace NbaBackfill.Raw;

public sealed record RawTeam(long TeamId, string TeamAbbr, string TeamName) : ITableRow
{
    public static TableSchema<RawTeam> Table { get; } = new("raw_teams", c => new RawTeam(
        c.Int64("team_id", r => r.TeamId), c.Str("team_abbr", r => r.TeamAbbr), c.Str("team_name", r => r.TeamName)),
        Key: ["team_id"], PartitionColumn: null, Clustering: []);

    public object?[] ToValues() => Table.ToValues(this);

    public void WriteTo(IValueSink sink, int count = int.MaxValue) => Table.Write(this, sink, count);

    public static RawTeam From(Row r) => Table.From(r);
}

public sealed record RawGame(
    string GameId, DateOnly GameDate, string Season, string HomeTeamAbbr, string AwayTeamAbbr, long HomeTeamId, long AwayTeamId)
    : ITableRow
{
    public static TableSchema<RawGame> Table { get; } = new("raw_games", c => new RawGame(
        c.Str("game_id", r => r.GameId), c.Date("game_date", r => r.GameDate), c.Str("season", r => r.Season),
        c.Str("home_team_abbr", r => r.HomeTeamAbbr), c.Str("away_team_abbr", r => r.AwayTeamAbbr),
        c.Int64("home_team_id", r => r.HomeTeamId), c.Int64("away_team_id", r => r.AwayTeamId)),
        Key: ["game_id"], PartitionColumn: "game_date", Clustering: ["game_id"]);

    public object?[] ToValues() => Table.ToValues(this);

    public void WriteTo(IValueSink sink, int count = int.MaxValue) => Table.Write(this, sink, count);

    public static RawGame From(Row r) => Table.From(r);

    public IEnumerable<string> Teams => [HomeTeamAbbr, AwayTeamAbbr];
}

/// <summary>A validated row of player_box_scores.csv.</summary>
public sealed record RawBoxScore(
    string GameId, DateOnly GameDate, string Season, long TeamId, string TeamAbbr, string OpponentAbbr, bool IsHome,
    long PlayerId, string PlayerName, int Minutes, int Fgm, int Fga, int Fg3m, int Fg3a, int Ftm, int Fta,
    int Oreb, int Dreb, int Reb, int Ast, int Stl, int Blk, int Tov, int Pf, int Pts, int PlusMinus) : ITableRow
{
    public static TableSchema<RawBoxScore> Table { get; } = new("raw_player_box_scores", c => new RawBoxScore(
        c.Str("game_id", r => r.GameId), c.Date("game_date", r => r.GameDate), c.Str("season", r => r.Season),
        c.Int64("team_id", r => r.TeamId), c.Str("team_abbr", r => r.TeamAbbr), c.Str("opponent_abbr", r => r.OpponentAbbr),
        c.Bool("is_home", r => r.IsHome), c.Int64("player_id", r => r.PlayerId), c.Str("player_name", r => r.PlayerName),
        c.Int("minutes", r => r.Minutes), c.Int("fgm", r => r.Fgm), c.Int("fga", r => r.Fga), c.Int("fg3m", r => r.Fg3m),
        c.Int("fg3a", r => r.Fg3a), c.Int("ftm", r => r.Ftm), c.Int("fta", r => r.Fta), c.Int("oreb", r => r.Oreb),
        c.Int("dreb", r => r.Dreb), c.Int("reb", r => r.Reb), c.Int("ast", r => r.Ast), c.Int("stl", r => r.Stl),
        c.Int("blk", r => r.Blk), c.Int("tov", r => r.Tov), c.Int("pf", r => r.Pf), c.Int("pts", r => r.Pts),
        c.Int("plus_minus", r => r.PlusMinus)),
        Key: ["game_date", "game_id", "player_id"], PartitionColumn: "game_date", Clustering: ["player_id"]);

    public object?[] ToValues() => Table.ToValues(this);

    public void WriteTo(IValueSink sink, int count = int.MaxValue) => Table.Write(this, sink, count);

    public static RawBoxScore From(Row r) => Table.From(r);
}

/// <summary>A validated row of the optional player_shot_zones.csv (game_date joined from the schedule).</summary>
public sealed record RawShotZone(
    string GameId, DateOnly GameDate, string Season, long TeamId, long PlayerId, string Zone, int Attempts, int Makes)
    : ITableRow
{
    public static TableSchema<RawShotZone> Table { get; } = new("raw_player_shot_zones", c => new RawShotZone(
        c.Str("game_id", r => r.GameId), c.Date("game_date", r => r.GameDate), c.Str("season", r => r.Season),
        c.Int64("team_id", r => r.TeamId), c.Int64("player_id", r => r.PlayerId), c.Str("zone", r => r.Zone),
        c.Int("attempts", r => r.Attempts), c.Int("makes", r => r.Makes)),
        Key: ["game_date", "game_id", "player_id", "zone"], PartitionColumn: "game_date", Clustering: ["player_id"]);

    public object?[] ToValues() => Table.ToValues(this);

    public void WriteTo(IValueSink sink, int count = int.MaxValue) => Table.Write(this, sink, count);

    public static RawShotZone From(Row r) => Table.From(r);
}

/// <summary>
/// A malformed raw row, kept with file, line and reason. PGS turns the ones of its dates into INVALID_INPUT failures.
/// </summary>
public sealed record RawReject(
    string Season, string SourceFile, int LineNumber, DateOnly? GameDate, string EntityId, string EntityType,
    string Reason, string RawLine) : ITableRow
{
    public static TableSchema<RawReject> Table { get; } = new("raw_rejects", c => new RawReject(
        c.Str("season", r => r.Season), c.Str("source_file", r => r.SourceFile), c.Int("line_number", r => r.LineNumber),
        c.DateOrNull("game_date", r => r.GameDate), c.Str("entity_id", r => r.EntityId), c.Str("entity_type", r => r.EntityType),
        c.Str("reason", r => r.Reason), c.Str("raw_line", r => r.RawLine)),
        Key: ["season", "source_file", "line_number"], PartitionColumn: "game_date", Clustering: ["entity_id"]);

    public object?[] ToValues() => Table.ToValues(this);

    public void WriteTo(IValueSink sink, int count = int.MaxValue) => Table.Write(this, sink, count);

    public static RawReject From(Row r) => Table.From(r);
}

/// <summary>One season's raw data after validation.</summary>
public sealed record RawSeason(
    string Season,
    IReadOnlyList<RawTeam> Teams,
    IReadOnlyList<RawGame> Games,
    IReadOnlyList<RawBoxScore> BoxScores,
    IReadOnlyList<RawShotZone>? ShotZones,
    IReadOnlyList<RawReject> Rejects)
{
    public bool HasShotZones => ShotZones is not null;

    public IReadOnlyList<DateOnly> GameDates => Games.Select(g => g.GameDate).Distinct().Order().ToList();
}

/// <summary>
/// The raw_seasons row of a loaded season: what was loaded, from where, when. A load of some dates only keeps the
/// previous row's counts and widens its date span (its shot-zone flag holds if either load had them).
/// </summary>
public sealed record RawSeasonRow(
    string Season, bool HasShotZones, DateOnly FirstGameDate, DateOnly LastGameDate, int Games, int BoxScoreRows,
    int RejectedRows, string Source, DateTimeOffset LoadedAt) : ITableRow
{
    public static TableSchema<RawSeasonRow> Table { get; } = new("raw_seasons", c => new RawSeasonRow(
        c.Str("season", r => r.Season), c.Bool("has_shot_zones", r => r.HasShotZones),
        c.Date("first_game_date", r => r.FirstGameDate), c.Date("last_game_date", r => r.LastGameDate),
        c.Int("games", r => r.Games), c.Int("box_score_rows", r => r.BoxScoreRows), c.Int("rejected_rows", r => r.RejectedRows),
        c.Str("source", r => r.Source), c.Time("loaded_at", r => r.LoadedAt)),
        Key: ["season"], PartitionColumn: null, Clustering: []);

    /// <summary>Whether any game date is loaded (a season folder without games has none).</summary>
    public bool HasGames => FirstGameDate != DateOnly.MinValue;

    public object?[] ToValues() => Table.ToValues(this);

    public void WriteTo(IValueSink sink, int count = int.MaxValue) => Table.Write(this, sink, count);

    public static RawSeasonRow From(Row r) => Table.From(r);

    /// <summary>The row of a whole season as loaded.</summary>
    public static RawSeasonRow Of(RawSeason season, string source, DateTimeOffset loadedAt)
    {
        var dates = season.GameDates;
        return new RawSeasonRow(
            season.Season, season.HasShotZones, dates.Count > 0 ? dates[0] : DateOnly.MinValue,
            dates.Count > 0 ? dates[^1] : DateOnly.MinValue, season.Games.Count, season.BoxScores.Count, season.Rejects.Count,
            source, loadedAt);
    }

    /// <param name="previous">The season's current raw_seasons row, if any.</param>
    public static RawSeasonRow For(Versions.RawLoad load, RawSeasonRow? previous)
    {
        var whole = Of(load.Rows, load.Source, load.LoadedAt);
        if (load.Dates is null || previous is null) return whole;
        var dates = load.Rows.GameDates;
        var (first, last) = (previous.FirstGameDate, previous.LastGameDate);
        return previous with
        {
            HasShotZones = previous.HasShotZones || load.Season.HasShotZones,
            FirstGameDate = dates.Count > 0 && (first == DateOnly.MinValue || dates[0] < first) ? dates[0] : first,
            LastGameDate = dates.Count > 0 && dates[^1] > last ? dates[^1] : last,
            Source = load.Source,
            LoadedAt = load.LoadedAt,
        };
    }
}
