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

    public async Task LandAsync(RawSeasonFiles files, CancellationToken ct)
    {
        var prefix = Prefix(files.Season);
        await container.CreateIfNotExistsAsync(cancellationToken: ct);
        await UploadAsync($"{prefix}/{SeasonParser.TeamsFile}", files.TeamsCsv, ct);
        var manifest = new Dictionary<string, List<string>>();
        foreach (var (date, dateFiles) in files.PerDate)
        {
            var folder = LocalFolderLanding.DateFolder(date);
            foreach (var (name, content) in dateFiles)
            {
                await UploadAsync($"{prefix}/{folder}/{name}", content, ct);
                if (!manifest.TryGetValue(name, out var list)) manifest[name] = list = [];
                list.Add($"{prefix}/{folder}/{name}");
            }
        }
        var body = new ManifestFile(files.Season, files.PerDate.Keys.Select(LocalFolderLanding.DateFolder).ToArray(),
            manifest.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray()));
        await UploadAsync($"{prefix}/{Manifest}", JsonSerializer.Serialize(body), ct);
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
            if (blob.Name.EndsWith("/" + Manifest, StringComparison.Ordinal)) seasons.Add(blob.Name.Split('/')[1]);
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
