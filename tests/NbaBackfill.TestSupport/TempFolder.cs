namespace NbaBackfill.TestSupport;

/// <summary>A folder of its own under the temp directory for one test class, deleted with it.</summary>
public sealed class TempFolder(string name) : IDisposable
{
    public string Path { get; } = Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"nba-{name}-" + System.IO.Path.GetRandomFileName())).FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
