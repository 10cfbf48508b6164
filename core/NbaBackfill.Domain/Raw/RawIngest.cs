using System.Text.Json;
using NbaBackfill.Calendar;
using NbaBackfill.Tables;
using NbaBackfill.Versions;
using NbaBackfill.Warehouse;

namespace NbaBackfill.Raw;

/// <summary>
/// A landed date folder's manifest, written last: the content hash of each of its files. A date counts as landed
/// once its manifest is there and every file matches it; its hash says whether it changed since it was ingested.
/// </summary>
public sealed record DateManifest(string Season, string Date, SortedDictionary<string, string> Files)
{
    public const string FileName = "_manifest.json";

    public static DateManifest For(string season, DateOnly date, IReadOnlyDictionary<string, string> files) =>
        new(season, DateRange.Format(date), new SortedDictionary<string, string>(
            files.ToDictionary(f => f.Key, f => ContentHash.OfText(f.Value)), StringComparer.Ordinal));

    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>The hash of the manifest as written (readers hash the text they read, not a re-serialisation).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Hash => ContentHash.OfText(ToJson());

    public static DateManifest? Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<DateManifest>(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Throws when a file is missing or differs (still being written, or tampered with).</summary>
    public void Verify(string where, Func<string, string?> read)
    {
        foreach (var (name, hash) in Files)
        {
            if (read(name) is not { } content || ContentHash.OfText(content) != hash)
            {
                throw new RawInputException($"{where}/{name}: does not match its manifest (landing in progress?)");
            }
        }
    }
}

/// <summary>A date folder of the landing zone with a complete manifest.</summary>
public sealed record LandedDate(string Season, DateOnly Date, string ManifestHash);

/// <summary>What one ingest found: the dates it loaded, and the ones it could not (with why).</summary>
public sealed record IngestResult(IReadOnlyList<LandedDate> Ingested, IReadOnlyList<(LandedDate Date, string Error)> Skipped);

/// <summary>
/// The daily ingest: every date folder landed (or re-landed) in the window whose manifest differs from what the
/// warehouse ingested is loaded, date by date (a partition replace of that date, with its raw versions).
/// </summary>
public static class RawIngest
{
    public static async Task<IngestResult> IngestAsync(IRawLanding landing, IWarehouse warehouse, DateRange window, TimeProvider time, CancellationToken ct)
    {
        var landed = await landing.ListDatesAsync(window, ct);
        var ingested = (await warehouse.ReadRowsAsync(RawVersionRow.Table, window, ct))
            .ToDictionary(v => (v.Season, v.GameDate), v => v.ManifestHash);
        var loaded = new List<LandedDate>();
        var skipped = new List<(LandedDate, string)>();
        foreach (var date in landed.OrderBy(d => d.Date))
        {
            if (ingested.GetValueOrDefault((date.Season, date.Date)) == date.ManifestHash) continue;
            try
            {
                var season = SeasonParser.Parse(landing.OpenDate(date.Season, date.Date), date.Season);
                await warehouse.ReplaceRawAsync(new RawLoad(season, DateRange.Single(date.Date), $"{landing.Describe} {date.Season}/{DateRange.Format(date.Date)}",
                    time.GetUtcNow(), new Dictionary<DateOnly, string> { [date.Date] = date.ManifestHash }), ct);
                loaded.Add(date);
            }
            catch (RawInputException e)
            {
                skipped.Add((date, e.Message));
            }
        }
        return new IngestResult(loaded, skipped);
    }
}
