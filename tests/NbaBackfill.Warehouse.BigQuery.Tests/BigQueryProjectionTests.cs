using NbaBackfill.Warehouse.BigQuery.Emulator;

namespace NbaBackfill.Warehouse.BigQuery.Tests;

/// <summary>The latency model and the projection of a run's traced jobs onto BigQuery.</summary>
public sealed class BigQueryProjectionTests
{
    private static readonly BigQueryLatencyModel Model = new(new(1.0, 0.5), new(2.0, 0), new(3.0, 1.0), 0.25);

    private const long MiB = 1024 * 1024;

    [Fact]
    public void A_job_costs_its_kinds_fixed_part_per_statement_plus_its_bytes_and_its_extra_pages()
    {
        Assert.Equal(1.0 + 0.5 * 2 + 3 * 0.25, Model.Seconds(new("q", BigQueryJobKind.Query, 1, MiB, MiB, 3, null)), 9);
        Assert.Equal(2.0, Model.Seconds(new("d", BigQueryJobKind.Dml, 1, 100, 0, 0, "t")), 9);
        Assert.Equal(3 * 2.0, Model.Seconds(new("s", BigQueryJobKind.Script, 3, 100, 0, 0, "t")), 9);
        Assert.Equal(3.0 + 4.0, Model.Seconds(new("l", BigQueryJobKind.Load, 1, 4 * MiB, 0, 0, "t")), 9);
    }

    [Fact]
    public void Jobs_outside_batches_add_up_and_each_wave_lasts_as_long_as_its_slowest_activity()
    {
        BigQueryJobTrace[] jobs =
        [
            new("plan", BigQueryJobKind.Query, 1, 0, 0, 0, null), // 1 s, outside any batch
            new("a1", BigQueryJobKind.Query, 1, 0, 0, 0, null),
            new("a2", BigQueryJobKind.Load, 1, 0, 0, 0, "x"), // 3 s
            new("b1", BigQueryJobKind.Query, 1, 0, 0, 0, null),
            new("c1", BigQueryJobKind.Dml, 1, 0, 0, 0, "y"), // 2 s
        ];
        IReadOnlyList<ProjectedActivity>[] waves =
        [
            [new(0.5, ["a1", "a2"]), new(0.1, ["b1"])], // 0.5 + 1 + 3 = 4.5 against 0.1 + 1
            [new(0.2, ["c1"])], // 2.2
        ];
        var projection = BigQueryProjection.Of(waves, jobs, Model, new Dictionary<string, int> { ["nba.y"] = 1 });
        Assert.Equal(1.0 + 4.5 + 2.2, projection.WallSeconds, 9);
        Assert.Equal(1.0, projection.OutsideBatchesSeconds, 9);
        Assert.Equal((2, 5, 3), (projection.Waves, projection.Jobs, projection.JobsByKind[BigQueryJobKind.Query]));
    }

    [Fact]
    public void A_waves_DML_on_one_table_runs_two_statements_at_a_time()
    {
        // Six activities each with one 2 s statement on the same table: 2 at once makes 3 rounds of 2 s, not one.
        var jobs = Enumerable.Range(0, 6).Select(i => new BigQueryJobTrace($"d{i}", BigQueryJobKind.Dml, 1, 0, 0, 0, "status")).ToList();
        IReadOnlyList<ProjectedActivity>[] waves = [[.. jobs.Select(j => new ProjectedActivity(0, [j.JobId]))]];
        Assert.Equal(6.0, BigQueryProjection.Of(waves, jobs, Model, new Dictionary<string, int>()).WallSeconds, 9);
        // On six tables they do not queue.
        var spread = jobs.Select((j, i) => j with { Table = $"t{i}" }).ToList();
        Assert.Equal(2.0, BigQueryProjection.Of(waves, spread, Model, new Dictionary<string, int>()).WallSeconds, 9);
    }
}
