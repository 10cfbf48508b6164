using NbaBackfill.Tables;

namespace NbaBackfill.Raw;

public sealed record RawTeam(long TeamId, string TeamAbbr, string TeamName) : ITableRow
{
    public object?[] ToValues() => [TeamId, TeamAbbr, TeamName];

    public static RawTeam From(Row r) => new(r.Int(0), r.Str(1), r.Str(2));
}

public sealed record RawGame(
    string GameId, DateOnly GameDate, string Season, string HomeTeamAbbr, string AwayTeamAbbr, long HomeTeamId, long AwayTeamId)
    : ITableRow
{
    public object?[] ToValues() => [GameId, GameDate, Season, HomeTeamAbbr, AwayTeamAbbr, HomeTeamId, AwayTeamId];

    public static RawGame From(Row r) =>
        new(r.Str(0), r.Date(1), r.Str(2), r.Str(3), r.Str(4), Convert.ToInt64(r.Values[5]), Convert.ToInt64(r.Values[6]));

    public IEnumerable<string> Teams => [HomeTeamAbbr, AwayTeamAbbr];
}

/// <summary>A validated row of player_box_scores.csv.</summary>
public sealed record RawBoxScore(
    string GameId, DateOnly GameDate, string Season, long TeamId, string TeamAbbr, string OpponentAbbr, bool IsHome,
    long PlayerId, string PlayerName, int Minutes, int Fgm, int Fga, int Fg3m, int Fg3a, int Ftm, int Fta,
    int Oreb, int Dreb, int Reb, int Ast, int Stl, int Blk, int Tov, int Pf, int Pts, int PlusMinus) : ITableRow
{
    public object?[] ToValues() =>
    [
        GameId, GameDate, Season, TeamId, TeamAbbr, OpponentAbbr, IsHome, PlayerId, PlayerName, Minutes,
        Fgm, Fga, Fg3m, Fg3a, Ftm, Fta, Oreb, Dreb, Reb, Ast, Stl, Blk, Tov, Pf, Pts, PlusMinus,
    ];

    public static RawBoxScore From(Row r) => new(
        r.Str(0), r.Date(1), r.Str(2), Convert.ToInt64(r.Values[3]), r.Str(4), r.Str(5), r.Bool(6),
        Convert.ToInt64(r.Values[7]), r.Str(8), r.Int(9), r.Int(10), r.Int(11), r.Int(12), r.Int(13), r.Int(14), r.Int(15),
        r.Int(16), r.Int(17), r.Int(18), r.Int(19), r.Int(20), r.Int(21), r.Int(22), r.Int(23), r.Int(24), r.Int(25));
}

/// <summary>A validated row of the optional player_shot_zones.csv (game_date joined from the schedule).</summary>
public sealed record RawShotZone(
    string GameId, DateOnly GameDate, string Season, long TeamId, long PlayerId, string Zone, int Attempts, int Makes)
    : ITableRow
{
    public object?[] ToValues() => [GameId, GameDate, Season, TeamId, PlayerId, Zone, Attempts, Makes];

    public static RawShotZone From(Row r) => new(
        r.Str(0), r.Date(1), r.Str(2), Convert.ToInt64(r.Values[3]), Convert.ToInt64(r.Values[4]), r.Str(5), r.Int(6), r.Int(7));
}

/// <summary>
/// A malformed raw row, kept with file, line and reason. PGS turns the ones of its dates into INVALID_INPUT failures.
/// </summary>
public sealed record RawReject(
    string Season, string SourceFile, int LineNumber, DateOnly? GameDate, string EntityId, string EntityType,
    string Reason, string RawLine) : ITableRow
{
    public object?[] ToValues() => [Season, SourceFile, LineNumber, GameDate, EntityId, EntityType, Reason, RawLine];

    public static RawReject From(Row r) =>
        new(r.Str(0), r.Str(1), r.Int(2), r.DateOrNull(3), r.Str(4), r.Str(5), r.Str(6), r.Str(7));
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
public sealed record RawSeasonRow(RawSeason Season, string Source, DateTimeOffset LoadedAt) : ITableRow
{
    public object?[] ToValues()
    {
        var dates = Season.GameDates;
        return
        [
            Season.Season, Season.HasShotZones, dates.Count > 0 ? dates[0] : DateOnly.MinValue,
            dates.Count > 0 ? dates[^1] : DateOnly.MinValue, Season.Games.Count, Season.BoxScores.Count, Season.Rejects.Count,
            Source, LoadedAt,
        ];
    }

    /// <param name="previous">The season's current raw_seasons values, if any.</param>
    public static ITableRow For(Versions.RawLoad load, object?[]? previous)
    {
        var whole = new RawSeasonRow(load.Rows, load.Source, load.LoadedAt);
        if (load.Dates is null || previous is null) return whole;
        var values = whole.ToValues();
        var dates = load.Rows.GameDates;
        var (first, last) = ((DateOnly)previous[2]!, (DateOnly)previous[3]!);
        return new ValuesRow(
        [
            values[0], (bool)previous[1]! || load.Season.HasShotZones,
            dates.Count > 0 && (first == DateOnly.MinValue || dates[0] < first) ? dates[0] : first,
            dates.Count > 0 && dates[^1] > last ? dates[^1] : last,
            previous[4], previous[5], previous[6], load.Source, load.LoadedAt,
        ]);
    }
}

/// <summary>A row given as its values in column order.</summary>
public sealed record ValuesRow(object?[] Values) : ITableRow
{
    public object?[] ToValues() => Values;
}
