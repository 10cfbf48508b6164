using System.Security.Cryptography;
using System.Text;
using NbaBackfill.Calendar;
using NbaBackfill.Engines;
using NbaBackfill.Failures;
using NbaBackfill.Planning;
using NbaBackfill.Processors;
using NbaBackfill.Reconciliation;
using NbaBackfill.Tables;
using NbaBackfill.Warehouse;
using NbaBackfill.Warehouse.DuckDb;

namespace NbaBackfill.Orchestration.Tests;

/// <summary>End to end on the in-process Durable Task host, over a real month of the bundled season, on DuckDB.</summary>
[Collection("durable hosts")]
public sealed class InProcessEngineTests : IDisposable
{
    private static readonly DateRange December = new(new DateOnly(2021, 12, 1), new DateOnly(2021, 12, 31));
    private readonly TempFolder _dir = new("orch");

    public void Dispose() => _dir.Dispose();

    private async Task<DuckDbWarehouse> LoadedAsync(string name)
    {
        var w = await DuckDbWarehouse.OpenAsync(_dir.File(name + ".duckdb"));
        await w.ReplaceRawSeasonAsync(Fixtures.BundledSeason, "bundled", Fixtures.Stamp.CreatedAt, CancellationToken.None);
        return w;
    }

    private static async Task<BackfillOutcome> RunAsync(IWarehouse warehouse, BackfillRequest request, string runId = "run-1")
    {
        await using var engine = await InProcessEngine.StartAsync(warehouse, TimeProvider.System);
        return await new BackfillRunner(engine, warehouse, TimeProvider.System).RunAsync(request, runId, null, CancellationToken.None);
    }

    private static async Task<string> OutputChecksumAsync(IWarehouse w, DateRange range)
    {
        var sb = new StringBuilder();
        foreach (var p in ProcessorIds.All)
        {
            var table = TableCatalog.OutputOf(p);
            await using var writer = new StringWriter();
            await CsvExport.WriteAsync(table, await w.ReadAllAsync(table, range, CancellationToken.None), writer);
            sb.Append(p).Append(Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(writer.ToString()))));
        }
        return sb.ToString();
    }

    [Fact]
    public async Task A_month_backfill_completes_clean_and_equals_the_per_processor_floor()
    {
        await using var orchestrated = await LoadedAsync("orchestrated");
        var outcome = await RunAsync(orchestrated, new BackfillRequest(December.From, December.To, ProcessorIds.All, BatchSize: 7));

        Assert.Equal(RunStatus.Completed, outcome.Status);
        Assert.All(outcome.Reconciliation, r => Assert.Equal((0, 0, 0, 1.0), (r.Unaccounted, r.Orphans, r.Both, r.Coverage)));
        Assert.Equal(30 * 6 + 42, outcome.Progress.TotalNodes); // pre-flight added PGS for Oct 19 - Nov 30

        // The floor: each processor once over the season up to December's end, no orchestration.
        await using var floor = await LoadedAsync("floor");
        foreach (var p in ProcessorIds.All)
        {
            await ProcessorRunner.RunAsync(p, floor, new DateRange(Fixtures.Season2021.From, December.To), Fixtures.Stamp, CancellationToken.None);
        }
        Assert.Equal(await OutputChecksumAsync(floor, December), await OutputChecksumAsync(orchestrated, December));

        var status = (await orchestrated.ReadWhereAsync(TableCatalog.BackfillStatus, "run_id", "run-1", CancellationToken.None))
            .Select(r => StatusRow.From(new Row(r))).ToList();
        Assert.Equal(222, status.Count);
        Assert.All(status, s => Assert.Equal(NodeStatus.Succeeded, s.Status));
        var run = RunRow.From(new Row(Assert.Single(await orchestrated.ReadWhereAsync(TableCatalog.BackfillRuns, "run_id", "run-1", CancellationToken.None))));
        Assert.Equal((RunStatus.Completed, "inprocess"), (run.Status, run.Engine));
    }

    [Fact]
    public async Task A_month_at_five_percent_transient_faults_ends_identical_to_a_clean_run()
    {
        var range = new DateRange(new DateOnly(2021, 11, 1), new DateOnly(2021, 11, 30));
        await using var clean = await LoadedAsync("clean");
        Assert.Equal(RunStatus.Completed, (await RunAsync(clean, new BackfillRequest(range.From, range.To, ProcessorIds.All, BatchSize: 3))).Status);

        await using var inner = await LoadedAsync("faulty");
        var faulty = new FaultInjectingWarehouse(inner, transientRate: 0.05, seed: 42);
        var outcome = await RunAsync(faulty, new BackfillRequest(range.From, range.To, ProcessorIds.All, BatchSize: 3));

        Assert.Equal(RunStatus.Completed, outcome.Status);
        Assert.True(faulty.InjectedTransientFaults > 0);
        Assert.Equal(await OutputChecksumAsync(clean, range), await OutputChecksumAsync(inner, range));
        var attempts = (await inner.ReadWhereAsync(TableCatalog.BackfillStatus, "run_id", "run-1", CancellationToken.None)).Select(r => StatusRow.From(new Row(r)).Attempt);
        Assert.Contains(attempts, a => a > 1); // the retries are visible in backfill_status
    }

    [Theory]
    [InlineData(OnFailure.Stop)]
    [InlineData(OnFailure.Continue)]
    public async Task A_permanent_failure_stops_or_blocks_exactly_its_dependents(OnFailure policy)
    {
        var range = new DateRange(new DateOnly(2021, 11, 10), new DateOnly(2021, 11, 20));
        var badDate = new DateOnly(2021, 11, 15);
        await using var inner = await LoadedAsync("permanent-" + policy);
        var warehouse = new FaultInjectingWarehouse(inner)
        {
            // Processing the date fails for good; recording its failures (no rows) still works.
            PermanentFault = r => r.Processor == ProcessorId.PSZA && r.Dates.Contains(badDate) && r.Rows.Count > 0 ? new InvalidOperationException("corrupt partition") : null,
        };
        var outcome = await RunAsync(warehouse, new BackfillRequest(range.From, range.To, ProcessorIds.All, policy, BatchSize: 5));

        var status = (await inner.ReadWhereAsync(TableCatalog.BackfillStatus, "run_id", "run-1", CancellationToken.None))
            .Select(r => StatusRow.From(new Row(r))).ToDictionary(s => (s.Processor, s.TargetDate));
        Assert.Equal(NodeStatus.Failed, status[("PSZA", badDate)].Status);
        Assert.Contains("corrupt partition", status[("PSZA", badDate)].ErrorMessage, StringComparison.Ordinal);
        var failures = await inner.ReadUnresolvedFailuresAsync(ProcessorId.PSZA, DateRange.Single(badDate), CancellationToken.None);
        Assert.All(failures, f => Assert.Equal(FailureCategory.ProcessingError, f.FailureCategory));
        Assert.NotEmpty(failures);

        if (policy == OnFailure.Stop)
        {
            Assert.Equal(RunStatus.Failed, outcome.Status);
            Assert.True(outcome.Progress.Pending > 0);
            Assert.Equal(0, outcome.Progress.Blocked);
        }
        else
        {
            Assert.Equal(RunStatus.CompletedWithFailures, outcome.Status);
            // PSZA is read by PCF, PDC and MLFS of the same date only: exactly those three are blocked.
            var blocked = status.Where(kv => kv.Value.Status == NodeStatus.Blocked).Select(kv => kv.Key).OrderBy(k => k.Processor, StringComparer.Ordinal).ToList();
            Assert.Equal([("MLFS", badDate), ("PCF", badDate), ("PDC", badDate)], blocked);
            Assert.Equal(0, outcome.Progress.Pending);
            var missingDeps = await inner.ReadUnresolvedFailuresAsync(ProcessorId.PCF, DateRange.Single(badDate), CancellationToken.None);
            Assert.NotEmpty(missingDeps);
            Assert.All(missingDeps, f => Assert.Equal((FailureCategory.MissingDependencies, true), (f.FailureCategory, f.IsCorrectable)));
            Assert.StartsWith("upstream PSZA 2021-11-15 failed", missingDeps[0].FailureReason, StringComparison.Ordinal);
        }
        // Continue: every expected entity is still accounted for. Stop: what ran is accounted for; the rest never ran.
        var report = await ReconciliationReader.ReconcileAsync(inner, range, ProcessorIds.All, CancellationToken.None);
        Assert.All(report.Where(r => policy == OnFailure.Continue || r.Processor == ProcessorId.PGS), r => Assert.True(r.Totals.IsClean, r.ToString()));
        if (policy == OnFailure.Stop) Assert.Contains(report, r => r.Totals.Unaccounted > 0);
    }
}
