using System.Text;
using NbaBackfill.Raw;

namespace NbaBackfill.Landing;

/// <summary>A season folder on disk (the bundled data/nba-2021-22 layout).</summary>
public sealed class FolderRawSource(string directory) : IRawFileSource
{
    public string Directory { get; } = Path.GetFullPath(directory);

    public string Describe(string fileName) => Path.Combine(Directory, fileName);

    public bool Exists(string fileName) => File.Exists(Path.Combine(Directory, fileName));

    public TextReader Open(string fileName)
    {
        var path = Path.Combine(Directory, fileName);
        return File.Exists(path)
            ? new StreamReader(path, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true)
            : throw new RawInputException($"{path}: required file is missing");
    }
}
