using System.Text;
using NbaBackfill.Raw;

namespace NbaBackfill.Landing;

/// <summary>
/// Reads a landed season (raw/{season}/{date}/{file}) back as whole files: per-date files concatenated in date order,
/// one header kept.
/// </summary>
public sealed class LandedSeasonSource(string describePrefix, Func<string, bool> exists, Func<string, string?> readSeasonFile,
    Func<string, IEnumerable<string>> readDateFiles) : IRawFileSource
{
    public string Describe(string fileName) => $"{describePrefix}/{fileName}";

    public bool Exists(string fileName) => exists(fileName);

    public TextReader Open(string fileName)
    {
        if (fileName == SeasonParser.TeamsFile)
        {
            return new StringReader(readSeasonFile(fileName) ?? throw new RawInputException($"{Describe(fileName)}: required file is missing"));
        }
        var sb = new StringBuilder();
        var first = true;
        foreach (var content in readDateFiles(fileName))
        {
            var body = content;
            if (!first)
            {
                var newline = body.IndexOf('\n', StringComparison.Ordinal);
                body = newline < 0 ? "" : body[(newline + 1)..];
            }
            sb.Append(body);
            first = false;
        }
        return new StringReader(sb.ToString());
    }
}
