using NbaBackfill.Warehouse;

namespace NbaBackfill.Raw;

/// <summary>Where raw files are kept per game date before loading (a local folder, or an Azure Blob container).</summary>
public interface IRawLanding
{
    string Describe { get; }

    /// <summary>
    /// Writes the season's files split per game date: raw/{season}/{date}/{file} (teams at season level), each date
    /// folder's <see cref="DateManifest"/> last. A whole season replaces the landed season; a partial one
    /// (<see cref="RawSeasonFiles.Partial"/>) only its dates. Returns each landed date's manifest hash.
    /// </summary>
    Task<IReadOnlyDictionary<DateOnly, string>> LandAsync(RawSeasonFiles files, CancellationToken ct);

    /// <summary>A source that reads a landed season back as whole files.</summary>
    IRawFileSource OpenSeason(string season);

    /// <summary>One landed date folder (and the season's teams), checked against its manifest.</summary>
    IRawFileSource OpenDate(string season, DateOnly date);

    Task<IReadOnlyList<string>> ListSeasonsAsync(CancellationToken ct);

    /// <summary>Date folders of every season in the window that have a manifest.</summary>
    Task<IReadOnlyList<LandedDate>> ListDatesAsync(Calendar.DateRange window, CancellationToken ct);
}

/// <summary>A season's raw files as text, split per game date for landing.</summary>
public sealed record RawSeasonFiles(
    string Season,
    string TeamsCsv,
    IReadOnlyDictionary<DateOnly, IReadOnlyDictionary<string, string>> PerDate,
    bool Partial = false)
{
    /// <summary>Only the game dates of the range (`land --from --to`): the other landed dates stay as they are.</summary>
    public RawSeasonFiles Within(Calendar.DateRange range) =>
        this with { PerDate = PerDate.Where(kv => range.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value), Partial = true };
}

public sealed record LoadSummary(
    string Season, int Teams, int Games, int BoxScores, int ShotZones, int Rejects, bool HasShotZones,
    DateOnly? FirstDate, DateOnly? LastDate, IReadOnlyList<RawReject> RejectDetails);

/// <summary>Phase 2: validate a season's raw files, land them per date, replace the season's raw tables.</summary>
public static class SeasonLoader
{
    public static async Task<LoadSummary> LoadAsync(
        IRawFileSource source, string sourceName, IWarehouse warehouse, IRawLanding? landing, TimeProvider time,
        string? seasonOverride, CancellationToken ct) =>
        await LoadParsedAsync(SeasonParser.Parse(source, seasonOverride), source, sourceName, warehouse, landing, time, ct);

    /// <summary>
    /// Lands and loads a season already parsed (callers parse first, so bad input opens nothing): all of it, or the
    /// game dates of <paramref name="dates"/> only. Each date's raw version changes only if its content did.
    /// </summary>
    public static async Task<LoadSummary> LoadParsedAsync(
        RawSeason season, IRawFileSource source, string sourceName, IWarehouse warehouse, IRawLanding? landing, TimeProvider time,
        CancellationToken ct, Calendar.DateRange? dates = null)
    {
        IReadOnlyDictionary<DateOnly, string>? manifests = null;
        if (landing is not null)
        {
            var files = SeasonSplitter.Split(source, season);
            manifests = await landing.LandAsync(dates is { } d ? files.Within(d) : files, ct);
        }
        var load = new Versions.RawLoad(season, dates, sourceName, time.GetUtcNow(), manifests);
        await warehouse.ReplaceRawAsync(load, ct);
        season = load.Rows;
        var gameDates = season.GameDates;
        return new LoadSummary(
            season.Season, season.Teams.Count, season.Games.Count, season.BoxScores.Count, season.ShotZones?.Count ?? 0,
            season.Rejects.Count, season.HasShotZones, gameDates.Count > 0 ? gameDates[0] : null, gameDates.Count > 0 ? gameDates[^1] : null,
            season.Rejects);
    }
}
