using System.Text.Json;
using NbaBackfill.Failures;
using NbaBackfill.Processors;
using NbaBackfill.Tables;
using NbaBackfill.Versions;

namespace NbaBackfill.Domain.Tests.Versions;

/// <summary>
/// Keeps a fingerprint of each processor's output on the bundled season beside its code version: a logic change
/// that alters the output without a version bump fails here, naming the processor, so no old rows look fresh.
/// </summary>
public sealed class CodeVersionGoldenTests
{
    private static readonly string GoldenFile = Path.Combine(RepoPaths.Root, "tests", "NbaBackfill.Domain.Tests", "Versions", "processor-outputs.json");

    private sealed record Golden(int Version, string Output);

    private static Dictionary<ProcessorId, string> Fingerprints()
    {
        var w = BundledPipeline.Result;
        return ProcessorIds.All.ToDictionary(p => p, p =>
        {
            var failures = w.Rows(TableCatalog.FailuresOf(p)).Select(r => FailureRecord.From(new Row(r))).Where(f => f.ProcessorName == p);
            return OutputVersion.Of(w.Rows(TableCatalog.OutputOf(p)), failures);
        });
    }

    [Fact]
    public void Each_processor_output_matches_its_golden_fingerprint_unless_its_code_version_changed()
    {
        var actual = Fingerprints();
        // NBA_UPDATE_GOLDEN=1 rewrites the file (after a deliberate change and its version bump).
        if (Environment.GetEnvironmentVariable("NBA_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(GoldenFile, JsonSerializer.Serialize(
                ProcessorIds.All.ToDictionary(p => p.ToString(), p => new Golden(ProcessorIds.CodeVersion(p), actual[p])),
                new JsonSerializerOptions { WriteIndented = true }) + "\n");
        }
        var golden = JsonSerializer.Deserialize<Dictionary<string, Golden>>(File.ReadAllText(GoldenFile))!;
        var problems = new List<string>();
        foreach (var p in ProcessorIds.All)
        {
            var g = golden[p.ToString()];
            var version = ProcessorIds.CodeVersion(p);
            if (g.Output != actual[p] && g.Version == version)
                problems.Add($"{p}: output changed ({g.Output} → {actual[p]}) but its code version is still {version}: bump {p}'s Version, then NBA_UPDATE_GOLDEN=1");
            else if (g.Version != version)
                problems.Add($"{p}: code version {g.Version} → {version}: record its output with NBA_UPDATE_GOLDEN=1");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Output_versions_ignore_when_and_by_whom_a_failure_was_written()
    {
        var w = BundledPipeline.Result;
        var failures = w.Rows(TableCatalog.PrecomputeFailures).Select(r => FailureRecord.From(new Row(r))).Take(50).ToList();
        var restamped = failures.Select(f => f with { RunId = "other", CreatedAt = f.CreatedAt.AddDays(3) }).ToList();
        Assert.Equal(OutputVersion.Of([], failures), OutputVersion.Of([], restamped));
        Assert.NotEqual(OutputVersion.Of([], failures), OutputVersion.Of([], restamped.Skip(1)));
        var changed = restamped.Select((f, i) => i == 0 ? f with { FailureReason = f.FailureReason + "!" } : f);
        Assert.NotEqual(OutputVersion.Of([], failures), OutputVersion.Of([], changed));
    }
}
