namespace NbaBackfill.TestSupport;

public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string BundledSeason => Path.Combine(Root, "data", "nba-2021-22");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NbaBackfill.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("NbaBackfill.sln not found above " + AppContext.BaseDirectory);
    }
}
