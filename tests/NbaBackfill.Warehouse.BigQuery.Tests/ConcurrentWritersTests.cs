using NbaBackfill.Failures;
using NbaBackfill.Processors;
using NbaBackfill.Tables;
using NbaBackfill.Warehouse.BigQuery.Emulator;

namespace NbaBackfill.Warehouse.BigQuery.Tests;

/// <summary>Two writers (two warehouse instances: two processes' worth of table turns) on one fake BigQuery.</summary>
public sealed class ConcurrentWritersTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateOnly Day = new(2021, 11, 1);

    [Fact]
    public async Task A_failure_another_writer_commits_while_a_recompute_is_staging_ends_resolved_not_lost()
    {
        await using var bed = await BigQueryTestbed.StartAsync();
        var tokens = await GoogleAccessTokenSource.CreateAsync(bed.Fake.ServiceAccountJson("second@nba-test-project.iam.gserviceaccount.com"));
        await using var second = await BigQueryWarehouse.OpenAsync(BigQueryTestbed.OptionsFor(bed.Fake), tokens, TimeProvider.System);

        // The second writer recomputes PSZA on the day and now has a row for player 101; it is held at its first
        // staging table while the first writer commits an unresolved failure for that player on that day.
        var held = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var gated = 0;
        bed.Fake.BeforeRequest = async (method, path) =>
        {
            if (method == "POST" && path.EndsWith("/datasets/nba/tables", StringComparison.Ordinal) && Interlocked.Exchange(ref gated, 1) == 0)
            {
                held.SetResult();
                await release.Task;
            }
        };
        var recompute = second.ReplaceOutputAsync(new ProcessorResult(ProcessorId.PSZA, [Day], [Row(101)], []), Now(2), Ct);
        await held.Task;
        await bed.Warehouse.ReplaceOutputAsync(new ProcessorResult(ProcessorId.PSZA, [Day], [], [Failure(101), Failure(202)]), Now(1), Ct);
        release.SetResult();
        await recompute;

        var failures = (await bed.Warehouse.ReadAllAsync(TableCatalog.PrecomputeFailures, new(Day, Day), Ct)).Select(r => FailureRecord.From(new Row(r))).ToList();
        // Player 101 has a row now: the failure the other writer committed is kept and marked RESOLVED (a merge
        // computed from a read made before that commit would have deleted it without trace).
        var resolved = Assert.Single(failures, f => f.EntityId == "101");
        Assert.Equal(ResolutionStatus.Resolved, resolved.ResolutionStatus);
        Assert.Equal(Now(2), resolved.ResolvedAt);
        // Player 202 has no row and the recompute did not find that failure again: it is gone, as on one writer.
        Assert.DoesNotContain(failures, f => f.EntityId == "202");
        Assert.Single(await bed.Warehouse.ReadAllAsync(TableCatalog.OutputOf(ProcessorId.PSZA), new(Day, Day), Ct));
        Assert.Empty(bed.Fake.Violations);
    }

    [Fact]
    public async Task Identical_failures_keep_their_first_record_and_fresh_ones_are_added_once_in_the_script()
    {
        await using var bed = await BigQueryTestbed.StartAsync();
        await bed.Warehouse.ReplaceOutputAsync(new ProcessorResult(ProcessorId.PSZA, [Day], [], [Failure(101)]), Now(1), Ct);
        // A re-run finds the same failure (other run, other time) and a new one: the first record is kept as it was.
        await bed.Warehouse.ReplaceOutputAsync(new ProcessorResult(ProcessorId.PSZA, [Day], [],
            [Failure(101) with { RunId = "run-2", CreatedAt = Now(2) }, Failure(303) with { RunId = "run-2", CreatedAt = Now(2) }]), Now(2), Ct);
        var failures = (await bed.Warehouse.ReadAllAsync(TableCatalog.PrecomputeFailures, new(Day, Day), Ct)).Select(r => FailureRecord.From(new Row(r))).ToList();
        Assert.Equal(2, failures.Count);
        Assert.Equal(("run-1", Now(1)), failures.Where(f => f.EntityId == "101").Select(f => (f.RunId, f.CreatedAt)).Single());
        Assert.Equal("run-2", failures.Single(f => f.EntityId == "303").RunId);
    }

    [Fact]
    public async Task A_write_reports_the_job_ids_it_ran_for_its_telemetry_span()
    {
        await using var bed = await BigQueryTestbed.StartAsync();
        var jobs = WarehouseJobs.Collect();
        await bed.Warehouse.ReplaceOutputAsync(new ProcessorResult(ProcessorId.PSZA, [Day], [Row(101)], [Failure(202)]), Now(1), Ct);
        // The staging loads and the transaction: each a job the fake knows.
        Assert.True(jobs.Count >= 3, string.Join(",", jobs));
        Assert.All(jobs, id => Assert.True(bed.Fake.RequestCount("GET", "/jobs/" + id) > 0, id));
    }

    private static DateTimeOffset Now(int hour) => new(2026, 12, 1, hour, 0, 0, TimeSpan.Zero);

    private static PszaRow Row(long player) =>
        new(Day, "2021-22", player, $"player{player}", 10, Day.AddDays(-30), Day.AddDays(-1), 12.5, 0.6, 0.3, 0.2, 0.5, 0.35,
            0.4, 0.2, 0.1, 0.2, 0.6, 0.4, 0.38, 0.34);

    private static FailureRecord Failure(long player) =>
        new(ProcessorId.PSZA, Day, player.ToString(System.Globalization.CultureInfo.InvariantCulture), EntityType.Player,
            FailureCategory.InsufficientData, "fewer than 10 games", true, null, FailureType.InsufficientHistory, false, 10, 4, null,
            true, ResolutionStatus.Unresolved, null, "run-1", Now(1));
}
