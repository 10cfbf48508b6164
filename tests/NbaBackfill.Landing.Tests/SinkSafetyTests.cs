using Azure.Storage.Blobs;
using NbaBackfill.Raw;
using NbaBackfill.Validation;

namespace NbaBackfill.Landing.Tests;

/// <summary>No identifier, whatever it holds, makes a landing or report sink touch anything outside its root.</summary>
public sealed class SinkSafetyTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nba-sinks-" + Path.GetRandomFileName());
    private readonly string _victim;

    public SinkSafetyTests()
    {
        _victim = Path.Combine(_dir, "victim");
        Directory.CreateDirectory(_victim);
        File.WriteAllText(Path.Combine(_victim, "keep.txt"), "precious");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> BadSeasons => new() { "../../victim", "..", ".", "", "a/b", "a\\b", "/etc", "2021-22\n", "x y", new string('a', 33), "~root" };

    [Theory]
    [MemberData(nameof(BadSeasons))]
    public async Task A_local_landing_refuses_a_season_id_that_is_not_one_and_touches_nothing(string season)
    {
        var landing = new LocalFolderLanding(Path.Combine(_dir, "landing"));
        var files = new RawSeasonFiles(season, "team_id,team_abbr,team_name\n", new Dictionary<DateOnly, IReadOnlyDictionary<string, string>>());
        var e = await Assert.ThrowsAsync<RawInputException>(() => landing.LandAsync(files, CancellationToken.None));
        Assert.Contains("is not a season id", e.Message, StringComparison.Ordinal);
        Assert.Throws<RawInputException>(() => landing.OpenSeason(season));
        Assert.Equal("precious", File.ReadAllText(Path.Combine(_victim, "keep.txt")));
        Assert.False(Directory.Exists(Path.Combine(_dir, "landing")));
    }

    [Fact]
    public async Task A_blob_landing_refuses_a_bad_season_before_any_request()
    {
        // Nothing listens there: reaching the network would fail differently.
        var landing = new BlobRawLanding(new BlobContainerClient(new Uri("http://127.0.0.1:9/devstoreaccount1/raw")));
        var files = new RawSeasonFiles("../reports", "x\n", new Dictionary<DateOnly, IReadOnlyDictionary<string, string>>());
        await Assert.ThrowsAsync<RawInputException>(() => landing.LandAsync(files, CancellationToken.None));
        Assert.Throws<RawInputException>(() => landing.OpenSeason("../reports"));
    }

    public static TheoryData<string> BadRunIds => new() { "../../victim", "bf-20211101-20211130-pgs/../../x", "run-1", "", "daily-2021-11-01/x", "BF-20211101-20211130-PGS" };

    [Theory]
    [MemberData(nameof(BadRunIds))]
    public async Task Report_sinks_refuse_run_ids_that_are_not_run_ids(string runId)
    {
        var folder = new FolderRunReportSink(Path.Combine(_dir, "reports"));
        await Assert.ThrowsAsync<ArgumentException>(() => folder.WriteAsync(runId, new Dictionary<string, string> { ["a.json"] = "{}" }, CancellationToken.None));
        var blob = new BlobRunReportSink(new BlobContainerClient(new Uri("http://127.0.0.1:9/devstoreaccount1/reports")));
        await Assert.ThrowsAsync<ArgumentException>(() => blob.WriteAsync(runId, new Dictionary<string, string> { ["a.json"] = "{}" }, CancellationToken.None));
        Assert.False(Directory.Exists(Path.Combine(_dir, "reports")));
        Assert.Equal("precious", File.ReadAllText(Path.Combine(_victim, "keep.txt")));
    }

    [Fact]
    public async Task Report_file_names_cannot_climb_out_of_the_run_folder()
    {
        var folder = new FolderRunReportSink(Path.Combine(_dir, "reports"));
        await Assert.ThrowsAsync<ArgumentException>(() => folder.WriteAsync("bf-20211101-20211130-pgs",
            new Dictionary<string, string> { ["ok.json"] = "{}", ["../../victim/keep.txt"] = "overwritten" }, CancellationToken.None));
        Assert.Equal("precious", File.ReadAllText(Path.Combine(_victim, "keep.txt")));
        Assert.False(Directory.Exists(Path.Combine(_dir, "reports")), "nothing is written when any name is bad");

        await folder.WriteAsync("bf-20211101-20211130-pgs-20261202T101010-retry1", new Dictionary<string, string> { ["ok.json"] = "{}" }, CancellationToken.None);
        Assert.True(File.Exists(Path.Combine(_dir, "reports", "bf-20211101-20211130-pgs-20261202T101010-retry1", "ok.json")));
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("a/b", true)]
    [InlineData("../x", false)]
    [InlineData("a/../../x", false)]
    [InlineData("/etc/passwd", false)]
    public void Safe_paths_stay_under_their_root(string segment, bool stays)
    {
        var root = Path.Combine(_dir, "root");
        if (stays) Assert.StartsWith(root + Path.DirectorySeparatorChar, SafePaths.Under(root, segment), StringComparison.Ordinal);
        else Assert.Throws<ArgumentException>(() => SafePaths.Under(root, segment));
    }
}
