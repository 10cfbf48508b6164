using NbaBackfill.Calendar;
using NbaBackfill.Raw;

namespace NbaBackfill.Versions;

/// <summary>The raw versions of a load (pure): one row per game date of the season within the load's dates.</summary>
public static class RawVersions
{
    /// <param name="previous">The season's version rows the load replaces: an unchanged date keeps its changed_at.</param>
    public static IReadOnlyList<RawVersionRow> Of(RawLoad load, IEnumerable<RawVersionRow> previous)
    {
        var season = load.Season;
        var before = previous.Where(p => p.Season == season.Season).ToDictionary(p => p.GameDate);
        var teams = season.Teams.Select(t => Tagged("team", t.ToValues())).ToList();
        var games = season.Games.ToLookup(g => g.GameDate);
        var box = season.BoxScores.ToLookup(b => b.GameDate);
        var zones = (season.ShotZones ?? []).ToLookup(z => z.GameDate);
        var rejects = season.Rejects.Where(r => r.GameDate is not null).ToLookup(r => r.GameDate!.Value);
        var rows = new List<RawVersionRow>();
        foreach (var date in season.GameDates.Where(load.Covers))
        {
            var schedule = games[date].Select(g => Tagged("game", g.ToValues()))
                .Concat(box[date].Select(b => (b.GameId, b.TeamAbbr)).Distinct().Select(t => (object?[])["team-game", t.GameId, t.TeamAbbr]))
                .ToList();
            var content = schedule
                .Concat(box[date].Select(b => Tagged("box", b.ToValues())))
                .Concat(zones[date].Select(z => Tagged("zone", z.ToValues())))
                .Concat(rejects[date].Select(r => Tagged("reject", r.ToValues())))
                .Concat(teams)
                .Append(["shot-zones", season.HasShotZones]);
            var (contentVersion, scheduleVersion) = (ContentHash.Of(content), ContentHash.Of(schedule));
            var manifest = load.Manifests?.GetValueOrDefault(date);
            var changedAt = before.TryGetValue(date, out var old) && old.ContentVersion == contentVersion ? old.ChangedAt : load.LoadedAt;
            rows.Add(new RawVersionRow(season.Season, date, contentVersion, scheduleVersion, manifest, load.Source, changedAt, load.LoadedAt));
        }
        return rows;
    }

    private static object?[] Tagged(string tag, object?[] values) => [tag, .. values];
}

/// <summary>
/// One raw load: a whole season (<see cref="Dates"/> null) or just the season's game dates in <see cref="Dates"/>
/// (`load --from --to`, a landed date folder). <see cref="Manifests"/>: the landed manifest hash per date, when known.
/// </summary>
public sealed record RawLoad(
    RawSeason Season, DateRange? Dates, string Source, DateTimeOffset LoadedAt, IReadOnlyDictionary<DateOnly, string>? Manifests = null)
{
    public bool Covers(DateOnly date) => Dates is not { } d || d.Contains(date);

    /// <summary>The season's rows the load writes: all of them, or those of its dates (undated rejects: whole-season loads only).</summary>
    public RawSeason Rows => Dates is not { } d ? Season : Season with
    {
        Games = Season.Games.Where(g => d.Contains(g.GameDate)).ToList(),
        BoxScores = Season.BoxScores.Where(b => d.Contains(b.GameDate)).ToList(),
        ShotZones = Season.ShotZones?.Where(z => d.Contains(z.GameDate)).ToList(),
        Rejects = Season.Rejects.Where(r => r.GameDate is { } g && d.Contains(g)).ToList(),
    };
}
