using System.Text.RegularExpressions;

namespace NbaBackfill.Validation;

/// <summary>
/// The one rule for each identifier that reaches a path, a Blob name, an orchestration id or a SQL text. Ids that
/// fail it are refused where they enter (CSV cell, option, request, route), and again by every sink.
/// </summary>
public static partial class Identifiers
{
    public const string SeasonRule = "1-32 letters, digits, '-' or '_' (e.g. 2021-22)";

    public const string RunIdRule =
        "a run id: bf-YYYYMMDD-YYYYMMDD-PROCESSORS[-YYYYMMDDTHHMMSS], daily-YYYY-MM-DD[-N] or stale-YYYYMMDD-YYYYMMDD-HASH, optionally followed by -retryN";

    public static bool IsSeason(string? text) => text is not null && SeasonPattern().IsMatch(text);

    /// <summary>
    /// The season id, or a <see cref="Raw.RawInputException"/> (one line, exit 2 in the CLI) that starts with
    /// <paramref name="where"/>: "--season: ", "{file}: season ", "season ".
    /// </summary>
    public static string RequireSeason(string? season, string where) =>
        IsSeason(season) ? season! : throw new Raw.RawInputException($"{where}{Quote(season)} is not a season id ({SeasonRule})");

    /// <summary>A Durable task hub name: 3-45 letters or digits, starting with a letter.</summary>
    public static bool IsTaskHub(string? text) => text is not null && TaskHubPattern().IsMatch(text);

    /// <summary>An Azure Blob container name: 3-63 lower-case letters, digits and single hyphens, no hyphen at either end.</summary>
    public static bool IsBlobContainer(string? text) => text is not null && BlobContainerPattern().IsMatch(text);

    public static bool IsRunId(string? text) => text is not null && text.Length <= 160 && RunIdPattern().IsMatch(text);

    /// <summary>A value for an error message: quoted, cut, control characters shown as '?'.</summary>
    public static string Quote(string? text)
    {
        if (text is null) return "(none)";
        var cut = text.Length > 40 ? text[..40] + "…" : text;
        return "'" + new string(cut.Select(c => char.IsControl(c) ? '?' : c).ToArray()) + "'";
    }

    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,32}\z")]
    private static partial Regex SeasonPattern();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9]{2,44}\z")]
    private static partial Regex TaskHubPattern();

    [GeneratedRegex(@"^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]\z")]
    private static partial Regex BlobContainerPattern();

    [GeneratedRegex(@"^(bf-\d{8}-\d{8}-[a-z]{2,24}(-\d{8}T\d{6})?|daily-\d{4}-\d{2}-\d{2}(-\d{1,4})?|stale-\d{8}-\d{8}-[0-9a-f]{8})(-retry\d{1,4}){0,8}\z")]
    private static partial Regex RunIdPattern();
}

/// <summary>Paths built from identifiers: the result must stay under its root, whatever the identifier holds.</summary>
public static class SafePaths
{
    public static string Under(string root, params string[] segments)
    {
        var fullRoot = Path.GetFullPath(root);
        var path = Path.GetFullPath(Path.Combine([fullRoot, .. segments]));
        var prefix = fullRoot.EndsWith(Path.DirectorySeparatorChar) ? fullRoot : fullRoot + Path.DirectorySeparatorChar;
        if (!path.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"path {Identifiers.Quote(string.Join("/", segments))} leaves its root {fullRoot}");
        }
        return path;
    }
}
