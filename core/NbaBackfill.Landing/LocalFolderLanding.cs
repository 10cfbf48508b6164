using System.Globalization;
using System.Text;
using NbaBackfill.Raw;
using NbaBackfill.Validation;

namespace NbaBackfill.Landing;

/// <summary>The embedded default landing zone: {root}/raw/{season}/{date}/{file}.</summary>
public sealed class LocalFolderLanding(string root) : IRawLanding
{
    private const string Undated = "undated";
    private static readonly UTF8Encoding Utf8 = new(false);

    public string Root { get; } = Path.GetFullPath(root);

    public string Describe => Root;

    public async Task LandAsync(RawSeasonFiles files, CancellationToken ct)
    {
        var seasonDir = SeasonDir(files.Season);
        // Land into a fresh folder and swap it in, so a crash never leaves half a season.
        var staging = seasonDir + ".landing";
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(staging);
        await File.WriteAllTextAsync(Path.Combine(staging, SeasonParser.TeamsFile), files.TeamsCsv, Utf8, ct);
        foreach (var (date, dateFiles) in files.PerDate)
        {
            var dir = Path.Combine(staging, DateFolder(date));
            Directory.CreateDirectory(dir);
            foreach (var (name, content) in dateFiles)
            {
                await File.WriteAllTextAsync(Path.Combine(dir, name), content, Utf8, ct);
            }
        }
        if (Directory.Exists(seasonDir)) Directory.Delete(seasonDir, recursive: true);
        Directory.Move(staging, seasonDir);
    }

    public IRawFileSource OpenSeason(string season)
    {
        var seasonDir = SeasonDir(season);
        IEnumerable<string> DateDirs() => Directory.Exists(seasonDir)
            ? Directory.GetDirectories(seasonDir).Order(StringComparer.Ordinal)
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

    internal static string DateFolder(DateOnly date) =>
        date == DateOnly.MinValue ? Undated : date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
