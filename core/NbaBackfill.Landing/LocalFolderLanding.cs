using System.Globalization;
using System.Text;
using NbaBackfill.Calendar;
using NbaBackfill.Raw;
using NbaBackfill.Validation;
using NbaBackfill.Versions;

namespace NbaBackfill.Landing;

/// <summary>The embedded default landing zone: {root}/raw/{season}/{date}/{file}.</summary>
public sealed class LocalFolderLanding(string root) : IRawLanding
{
    private const string Undated = "undated";
    private static readonly UTF8Encoding Utf8 = new(false);

    public string Root { get; } = Path.GetFullPath(root);

    public string Describe => Root;

    public async Task<IReadOnlyDictionary<DateOnly, string>> LandAsync(RawSeasonFiles files, CancellationToken ct)
    {
        var seasonDir = SeasonDir(files.Season);
        var manifests = new Dictionary<DateOnly, string>();
        if (files.Partial)
        {
            // Some dates: each date folder is written aside and swapped in, so a crash leaves it old or new, not half.
            Directory.CreateDirectory(seasonDir);
            await File.WriteAllTextAsync(Path.Combine(seasonDir, SeasonParser.TeamsFile), files.TeamsCsv, Utf8, ct);
            foreach (var (date, dateFiles) in files.PerDate)
            {
                var target = Path.Combine(seasonDir, DateFolder(date));
                var aside = target + ".landing";
                if (Directory.Exists(aside)) Directory.Delete(aside, recursive: true);
                manifests[date] = await WriteDateAsync(aside, files.Season, date, dateFiles, ct);
                if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
                Directory.Move(aside, target);
            }
            return manifests;
        }
        // Land into a fresh folder and swap it in, so a crash never leaves half a season.
        var staging = seasonDir + ".landing";
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(staging);
        await File.WriteAllTextAsync(Path.Combine(staging, SeasonParser.TeamsFile), files.TeamsCsv, Utf8, ct);
        foreach (var (date, dateFiles) in files.PerDate)
        {
            manifests[date] = await WriteDateAsync(Path.Combine(staging, DateFolder(date)), files.Season, date, dateFiles, ct);
        }
        if (Directory.Exists(seasonDir)) Directory.Delete(seasonDir, recursive: true);
        Directory.Move(staging, seasonDir);
        return manifests;
    }

    /// <summary>Writes a date folder's files, then its manifest; returns the manifest's hash.</summary>
    private static async Task<string> WriteDateAsync(string dir, string season, DateOnly date, IReadOnlyDictionary<string, string> files, CancellationToken ct)
    {
        Directory.CreateDirectory(dir);
        foreach (var (name, content) in files)
        {
            await File.WriteAllTextAsync(Path.Combine(dir, name), content, Utf8, ct);
        }
        var manifest = DateManifest.For(season, date, files);
        await File.WriteAllTextAsync(Path.Combine(dir, DateManifest.FileName), manifest.ToJson(), Utf8, ct);
        return manifest.Hash;
    }

    public IRawFileSource OpenDate(string season, DateOnly date)
    {
        var seasonDir = SeasonDir(season);
        var dir = Path.Combine(seasonDir, DateFolder(date));
        string? Read(string path) => File.Exists(path) ? File.ReadAllText(path, Utf8) : null;
        var manifest = Read(Path.Combine(dir, DateManifest.FileName)) is { } json ? DateManifest.Parse(json) : null;
        if (manifest is null) throw new RawInputException($"{dir}: no manifest (not landed, or landing in progress)");
        manifest.Verify(dir, name => Read(Path.Combine(dir, name)));
        return new LandedSeasonSource(dir,
            name => name == SeasonParser.TeamsFile ? File.Exists(Path.Combine(seasonDir, name)) : manifest.Files.ContainsKey(name),
            name => Read(Path.Combine(seasonDir, name)),
            name => manifest.Files.ContainsKey(name) && Read(Path.Combine(dir, name)) is { } content ? [content] : []);
    }

    public async Task<IReadOnlyList<LandedDate>> ListDatesAsync(Calendar.DateRange window, CancellationToken ct)
    {
        var result = new List<LandedDate>();
        foreach (var season in await ListSeasonsAsync(ct))
        {
            var seasonDir = SeasonDir(season);
            foreach (var dir in Directory.GetDirectories(seasonDir))
            {
                if (!IsDateFolder(Path.GetFileName(dir), out var date) || !window.Contains(date)) continue;
                var path = Path.Combine(dir, DateManifest.FileName);
                if (!File.Exists(path)) continue;
                var text = await File.ReadAllTextAsync(path, Utf8, ct);
                if (DateManifest.Parse(text) is not null) result.Add(new LandedDate(season, date, ContentHash.OfText(text)));
            }
        }
        return result.OrderBy(d => d.Date).ToList();
    }

    public IRawFileSource OpenSeason(string season)
    {
        var seasonDir = SeasonDir(season);
        IEnumerable<string> DateDirs() => Directory.Exists(seasonDir)
            ? Directory.GetDirectories(seasonDir).Where(d => !d.EndsWith(".landing", StringComparison.Ordinal)).Order(StringComparer.Ordinal)
            : [];
        return new LandedSeasonSource(
            seasonDir,
            name => name == SeasonParser.TeamsFile
                ? File.Exists(Path.Combine(seasonDir, name))
                : DateDirs().Any(d => File.Exists(Path.Combine(d, name))),
            name => File.Exists(Path.Combine(seasonDir, name)) ? File.ReadAllText(Path.Combine(seasonDir, name), Utf8) : null,
            name => DateDirs().Select(d => Path.Combine(d, name)).Where(File.Exists).Select(p => File.ReadAllText(p, Utf8)));
    }

    public Task<IReadOnlyList<string>> ListSeasonsAsync(CancellationToken ct)
    {
        var raw = Path.Combine(Root, "raw");
        IReadOnlyList<string> seasons = Directory.Exists(raw)
            ? Directory.GetDirectories(raw).Select(d => Path.GetFileName(d)!).Where(n => !n.EndsWith(".landing", StringComparison.Ordinal)).Order().ToList()
            : [];
        return Task.FromResult(seasons);
    }

    /// <summary>raw/{season} under the root; refuses any season id that is not one (it would name another folder).</summary>
    private string SeasonDir(string season) => SafePaths.Under(Root, "raw", Identifiers.RequireSeason(season, "season "));

    /// <summary>The date a folder name stands for (the inverse of <see cref="DateFolder"/>; "undated" is none).</summary>
    internal static bool IsDateFolder(string name, out DateOnly date) => Calendar.DateRange.TryParseDate(name, out date, out _);

    internal static string DateFolder(DateOnly date) =>
        date == DateOnly.MinValue ? Undated : DateRange.Format(date);
}
