using NbaBackfill.Calendar;
using NbaBackfill.Processors;
using NbaBackfill.Tables;
using NbaBackfill.Warehouse.BigQuery.Emulator;

namespace NbaBackfill.Warehouse.BigQuery.Tests;

/// <summary>The fake's job traces, which the bench projects onto BigQuery: every job the warehouse made, classified.</summary>
public sealed class FakeBigQueryTracesTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Every_job_of_a_processor_run_is_traced_with_its_kind_bytes_and_the_table_it_writes()
    {
        await using var bed = await BigQueryTestbed.StartAsync();
        var mini = MiniSeason.Daily(5).Parse();
        await bed.Warehouse.ReplaceRawSeasonAsync(mini, "mini", Fixtures.Stamp.CreatedAt, Ct);
        var before = bed.Fake.Jobs.Select(j => j.JobId).ToHashSet();

        var reported = WarehouseJobs.Collect();
        var result = await ProcessorRunner.RunAsync(ProcessorId.PGS, bed.Warehouse, new DateRange(MiniSeason.Day1, MiniSeason.Day1.AddDays(4)), Fixtures.Stamp, Ct);
        Assert.NotEmpty(result.Rows);

        var jobs = bed.Fake.Jobs.Where(j => !before.Contains(j.JobId)).ToList();
        // The jobs the client reported are exactly the jobs the fake ran.
        Assert.Equal(reported.Order(), jobs.Select(j => j.JobId).Order());
        // The history reads are queries that returned rows; the output replace loaded its rows and ran a script on its table.
        Assert.Contains(jobs, j => j is { Kind: BigQueryJobKind.Query, BytesOut: > 0, Table: null });
        var load = Assert.Single(jobs, j => j.Kind == BigQueryJobKind.Load && j.Table!.StartsWith("_staging_player_game_summary", StringComparison.Ordinal));
        Assert.True(load.BytesIn > result.Rows.Count * 50, $"{load.BytesIn} bytes for {result.Rows.Count} rows");
        Assert.Contains(jobs, j => j is { Kind: BigQueryJobKind.Script, Statements: > 1, Table: "player_game_summary" });
        Assert.All(jobs, j => Assert.True(BigQueryLatencyModel.Realistic.Seconds(j) >= 1.0));
        Assert.Empty(bed.Fake.Violations);
    }
}
