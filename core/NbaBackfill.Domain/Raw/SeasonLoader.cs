using NbaBackfill.Warehouse;

namespace NbaBackfill.Raw;

/// <summary>Where raw files are kept per game date before loading (a local folder, or an Azure Blob container).</summary>
public interface IRawLanding
{
    string Describe { get; }

    /// <summary>Writes the season's files split per game date: raw/{season}/{date}/{file} (teams at season level).</summary>
    Task LandAsync(RawSeasonFiles files, CancellationToken ct);

    /// <summary>A source that reads a landed season back as whole files.</summary>
    IRawFileSource OpenSeason(string season);

    Task<IReadOnlyList<string>> ListSeasonsAsync(CancellationToken ct);
}

/// <summary>A season's raw files as text, split per game date for landing.</summary>
public sealed record RawSeasonFiles(
    string Season,
    string TeamsCsv,
    IReadOnlyDictionary<DateOnly, IReadOnlyDictionary<string, string>> PerDate);

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

    /// <summary>Lands and loads a season already parsed (callers parse first, so bad input opens nothing).</summary>
    public static async Task<LoadSummary> LoadParsedAsync(
        RawSeason season, IRawFileSource source, string sourceName, IWarehouse warehouse, IRawLanding? landing, TimeProvider time,
        CancellationToken ct)
    {
        if (landing is not null)
        {
            await landing.LandAsync(SeasonSplitter.Split(source, season), ct);
        }
        await warehouse.ReplaceRawSeasonAsync(season, sourceName, time.GetUtcNow(), ct);
        var dates = season.GameDates;
        return new LoadSummary(
            season.Season, season.Teams.Count, season.Games.Count, season.BoxScores.Count, season.ShotZones?.Count ?? 0,
            season.Rejects.Count, season.HasShotZones, dates.Count > 0 ? dates[0] : null, dates.Count > 0 ? dates[^1] : null,
            season.Rejects);
    }
}
