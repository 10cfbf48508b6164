using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using NbaBackfill.Raw;
using NbaBackfill.Validation;

namespace NbaBackfill.Landing;

/// <summary>
/// The raw landing zone in Azure Blob Storage: raw/{season}/{date}/{file} and raw/{season}/teams.csv. A manifest,
/// written last, names the blobs of the landed season: a crash mid-landing leaves the previous manifest (and so the
/// previous complete season) in place.
/// </summary>
public sealed class BlobRawLanding(BlobContainerClient container) : IRawLanding
{
    private const string Manifest = "_manifest.json";
    private static readonly UTF8Encoding Utf8 = new(false);

    public string Describe => container.Uri.ToString();

    private sealed record ManifestFile(string Season, string[] Dates, Dictionary<string, string[]> Files);

    public async Task<IReadOnlyDictionary<DateOnly, string>> LandAsync(RawSeasonFiles files, CancellationToken ct)
    {
        var prefix = Prefix(files.Season);
        await container.CreateIfNotExistsAsync(cancellationToken: ct);
        await UploadAsync($"{prefix}/{SeasonParser.TeamsFile}", files.TeamsCsv, ct);
        // A partial landing keeps the other dates of the season manifest.
        var previous = files.Partial && ReadText($"{prefix}/{Manifest}") is { } old ? JsonSerializer.Deserialize<ManifestFile>(old) : null;
        var manifest = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        var dates = new SortedSet<string>(previous?.Dates ?? [], StringComparer.Ordinal);
        foreach (var (name, blobs) in previous?.Files ?? [])
        {
            manifest[name] = new SortedSet<string>(blobs.Where(b => !files.PerDate.Keys.Any(d => b.StartsWith($"{prefix}/{LocalFolderLanding.DateFolder(d)}/", StringComparison.Ordinal))), StringComparer.Ordinal);
        }
        var hashes = new Dictionary<DateOnly, string>();
        foreach (var (date, dateFiles) in files.PerDate)
        {
            var folder = LocalFolderLanding.DateFolder(date);
            foreach (var (name, content) in dateFiles)
            {
                await UploadAsync($"{prefix}/{folder}/{name}", content, ct);
                if (!manifest.TryGetValue(name, out var list)) manifest[name] = list = new SortedSet<string>(StringComparer.Ordinal);
                list.Add($"{prefix}/{folder}/{name}");
            }
            // The date's own manifest, after its files: the daily ingest takes the date once it is there.
            var dateManifest = DateManifest.For(files.Season, date, dateFiles);
            await UploadAsync($"{prefix}/{folder}/{DateManifest.FileName}", dateManifest.ToJson(), ct);
            hashes[date] = dateManifest.Hash;
            dates.Add(folder);
        }
        var body = new ManifestFile(files.Season, dates.ToArray(), manifest.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray()));
        await UploadAsync($"{prefix}/{Manifest}", JsonSerializer.Serialize(body), ct);
        return hashes;
    }

    public IRawFileSource OpenDate(string season, DateOnly date)
    {
        var prefix = Prefix(season);
        var folder = $"{prefix}/{LocalFolderLanding.DateFolder(date)}";
        var manifest = ReadText($"{folder}/{DateManifest.FileName}") is { } json ? DateManifest.Parse(json) : null;
        if (manifest is null) throw new RawInputException($"{container.Uri}/{folder}: no manifest (not landed, or landing in progress)");
        manifest.Verify($"{container.Uri}/{folder}", name => ReadText($"{folder}/{name}"));
        return new LandedSeasonSource($"{container.Uri}/{folder}",
            name => name == SeasonParser.TeamsFile || manifest.Files.ContainsKey(name),
            name => ReadText($"{prefix}/{name}"),
            name => manifest.Files.ContainsKey(name) && ReadText($"{folder}/{name}") is { } content ? [content] : []);
    }

    public async Task<IReadOnlyList<LandedDate>> ListDatesAsync(Calendar.DateRange window, CancellationToken ct)
    {
        var result = new List<LandedDate>();
        if (!(await container.ExistsAsync(ct)).Value) return result;
        await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, "raw/", ct))
        {
            // raw/{season}/{yyyy-MM-dd}/_manifest.json
            var parts = blob.Name.Split('/');
            if (parts.Length != 4 || parts[3] != DateManifest.FileName || !Identifiers.IsSeason(parts[1])) continue;
            if (!LocalFolderLanding.IsDateFolder(parts[2], out var date) || !window.Contains(date)) continue;
            if (ReadText(blob.Name) is { } text && DateManifest.Parse(text) is not null)
            {
                result.Add(new LandedDate(parts[1], date, Versions.ContentHash.OfText(text)));
            }
        }
        return result.OrderBy(d => d.Date).ToList();
    }

    public IRawFileSource OpenSeason(string season)
    {
        var prefix = Prefix(season);
        var manifest = ReadText($"{prefix}/{Manifest}") is { } json ? JsonSerializer.Deserialize<ManifestFile>(json) : null;
        return new LandedSeasonSource(
            $"{container.Uri}/{prefix}",
            name => manifest is not null && (name == SeasonParser.TeamsFile || manifest.Files.ContainsKey(name)),
            name => manifest is null ? null : ReadText($"{prefix}/{name}"),
            name => manifest?.Files.GetValueOrDefault(name, []).Select(b => ReadText(b) ?? throw new RawInputException($"{container.Uri}/{b}: landed file is missing")) ?? []);
    }

    public async Task<IReadOnlyList<string>> ListSeasonsAsync(CancellationToken ct)
    {
        var seasons = new List<string>();
        await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, "raw/", ct))
        {
            // The season manifest (raw/{season}/_manifest.json), not the date folders' ones.
            if (blob.Name.Split('/') is [_, var season, Manifest]) seasons.Add(season);
        }
        return seasons.Order(StringComparer.Ordinal).ToList();
    }

    private static string Prefix(string season) => $"raw/{Identifiers.RequireSeason(season, "season ")}";

    private async Task UploadAsync(string name, string content, CancellationToken ct) =>
        await container.GetBlobClient(name).UploadAsync(BinaryData.FromString(content), overwrite: true, ct);

    private string? ReadText(string name)
    {
        var blob = container.GetBlobClient(name);
        if (!blob.Exists().Value) return null;
        return Utf8.GetString(blob.DownloadContent().Value.Content.ToArray());
    }
}
