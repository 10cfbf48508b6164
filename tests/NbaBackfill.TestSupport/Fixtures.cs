using NbaBackfill.Calendar;
using NbaBackfill.Failures;
using NbaBackfill.Landing;
using NbaBackfill.Raw;

namespace NbaBackfill.TestSupport;

public static class Fixtures
{
    public static readonly DateRange Season2021 = new(new DateOnly(2021, 10, 19), new DateOnly(2022, 4, 10));

    public static readonly RunStamp Stamp = new("test-run", new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    private static readonly Lazy<RawSeason> Bundled = new(() => SeasonParser.Parse(new FolderRawSource(RepoPaths.BundledSeason)));

    /// <summary>The bundled 2021-22 season, parsed once per test process.</summary>
    public static RawSeason BundledSeason => Bundled.Value;

    public static DateOnly Date(string iso) => DateRange.ParseDate(iso);
}

/// <summary>Raw files held as strings, for small hand-written fixtures.</summary>
public sealed class StringRawSource(IReadOnlyDictionary<string, string> files) : IRawFileSource
{
    public string Describe(string fileName) => $"fixture/{fileName}";

    public bool Exists(string fileName) => files.ContainsKey(fileName);

    public TextReader Open(string fileName) => new StringReader(files[fileName]);
}

/// <summary>The bundled season run through all six processors in memory, once per test process.</summary>
public static class BundledPipeline
{
    private static readonly Lazy<InMemoryWarehouse> Warehouse = new(() =>
    {
        var w = InMemoryWarehouse.Of(Fixtures.BundledSeason);
        w.RunAllAsync(Fixtures.Season2021, Fixtures.Stamp).GetAwaiter().GetResult();
        return w;
    });

    public static InMemoryWarehouse Result => Warehouse.Value;
}
