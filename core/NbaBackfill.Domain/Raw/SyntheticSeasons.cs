using System.Globalization;

namespace NbaBackfill.Raw;

/// <summary>
/// Seasons made from a real one for scale runs and multi-season tests: the same games and box scores whole years
/// later, under another season id, with game ids renamed, so seasons never share a date or a game.
/// </summary>
public static class SyntheticSeasons
{
    /// <summary>Whole weeks in a year: a shifted season keeps its weekdays (back-to-backs, rest days) exactly.</summary>
    public const int YearInDays = 364;

    /// <summary>The season id of <paramref name="season"/> shifted by <paramref name="years"/>.</summary>
    public static string IdOf(string season, int years) => $"{season}+{years}y";

    /// <summary>A game id of the shifted season: its first two digits carry the shift (ids are 00…, 10 digits).</summary>
    public static string GameIdOf(string gameId, int years) => years.ToString("D2", CultureInfo.InvariantCulture) + gameId[2..];

    public static RawSeason Shifted(RawSeason s, int years)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(years, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(years, 99);
        var (id, days) = (IdOf(s.Season, years), YearInDays * years);
        return s with
        {
            Season = id,
            Games = s.Games.Select(g => g with { GameId = GameIdOf(g.GameId, years), GameDate = g.GameDate.AddDays(days), Season = id }).ToList(),
            BoxScores = s.BoxScores.Select(b => b with { GameId = GameIdOf(b.GameId, years), GameDate = b.GameDate.AddDays(days), Season = id }).ToList(),
            ShotZones = s.ShotZones?.Select(z => z with { GameId = GameIdOf(z.GameId, years), GameDate = z.GameDate.AddDays(days), Season = id }).ToList(),
            Rejects = [],
        };
    }
}
