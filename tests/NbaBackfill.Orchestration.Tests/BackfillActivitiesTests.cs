using NbaBackfill.Calendar;
using NbaBackfill.Planning;
using NbaBackfill.Processors;
using NbaBackfill.Tables;
using NbaBackfill.Warehouse;
using NbaBackfill.Warehouse.DuckDb;

namespace NbaBackfill.Orchestration.Tests;

/// <summary>The batch activity under at-least-once delivery: however often a delivery is cut short, the node ends the same.</summary>
public sealed class BackfillActivitiesTests
{
    [Fact]
    public async Task A_batch_redelivered_after_deliveries_cut_short_keeps_its_succeeded_status_and_counts()
    {
        await using var loaded = await LoadedWarehouse.OpenAsync("nba-redeliver");
        var warehouse = loaded.Warehouse;
        var batch = await PlanPgsDayAsync(warehouse, new DateOnly(2021, 11, 1));
        var activities = new BackfillActivities(warehouse, TimeProvider.System);

        // The first delivery computes and commits, but its completion is lost (the worker is killed).
        var first = Assert.Single((await activities.ProcessBatchAsync(batch)).Outcomes);
        Assert.True(first is { Succeeded: true, Fresh: false, Rows: > 0 });
        // Two more deliveries are killed right after their first write.
        for (var i = 0; i < 2; i++)
        {
            var cut = new BackfillActivities(new KilledAfterFirstWrite(warehouse), TimeProvider.System);
            try
            {
                await cut.ProcessBatchAsync(batch);
            }
            catch (OperationCanceledException)
            {
                // killed, as meant; a delivery with a single write to make completes instead
            }
        }
        // The delivery that completes finds the node fresh, computed by this very run: it stays succeeded, with its counts.
        var last = Assert.Single((await activities.ProcessBatchAsync(batch)).Outcomes);
        Assert.Equal(first, last);
        var status = StatusRow.From(new Row(Assert.Single(await warehouse.ReadWhereAsync(TableCatalog.BackfillStatus, "run_id", batch.RunId, CancellationToken.None))));
        Assert.Equal((NodeStatus.Succeeded, first.Rows, first.Failures), (status.Status, status.RowsWritten, status.FailuresWritten));
    }

    [Fact]
    public async Task The_running_rows_written_while_the_batch_computes_land_before_its_output_and_before_a_failure_surfaces()
    {
        await using var loaded = await LoadedWarehouse.OpenAsync("nba-running");
        var warehouse = loaded.Warehouse;
        var batch = await PlanPgsDayAsync(warehouse, new DateOnly(2021, 11, 1));

        // The status write is slow: the output still waits for it.
        var slow = new SlowStatusWrites(warehouse);
        Assert.True(Assert.Single((await new BackfillActivities(slow, TimeProvider.System).ProcessBatchAsync(batch)).Outcomes).Succeeded);
        Assert.Equal(["status running", "output", "status succeeded", "versions"], slow.Writes.Take(4));

        // A warehouse that answers on the caller's thread (DuckDB) still has the processor read while the status is
        // written, and the output still waits for it.
        var blocking = new SlowStatusWrites(warehouse) { Blocking = true };
        var again = await PlanPgsDayAsync(warehouse, new DateOnly(2021, 11, 3));
        Assert.True(Assert.Single((await new BackfillActivities(blocking, TimeProvider.System).ProcessBatchAsync(again)).Outcomes).Succeeded);
        Assert.True(blocking.ReadBeforeStatusWritten);
        Assert.Equal(["status running", "output", "status succeeded", "versions"], blocking.Writes.Take(4));

        // A batch whose output fails reports the failure only once its 'running' rows are in.
        var next = await PlanPgsDayAsync(warehouse, new DateOnly(2021, 11, 2));
        var failing = new SlowStatusWrites(warehouse) { FailOutput = true };
        await Assert.ThrowsAsync<InvalidOperationException>(() => new BackfillActivities(failing, TimeProvider.System).ProcessBatchAsync(next));
        Assert.Equal(["status running"], failing.Writes);
        var status = StatusRow.From(new Row(Assert.Single(await warehouse.ReadWhereAsync(TableCatalog.BackfillStatus, "run_id", next.RunId, CancellationToken.None))));
        Assert.Equal((NodeStatus.Running, 1), (status.Status, status.Attempt));
    }

    [Fact]
    public async Task Planning_reads_processed_nodes_without_versions_before_the_range_only_unless_the_plan_asks_about_one_inside_it()
    {
        await using var loaded = await LoadedWarehouse.OpenAsync("nba-preflight");
        var warehouse = loaded.Warehouse;
        // PGS ran through Nov 11; nothing else ran.
        await ProcessorRunner.RunAsync(ProcessorId.PGS, warehouse, new DateRange(Fixtures.Season2021.From, new DateOnly(2021, 11, 11)), Fixtures.Stamp, CancellationToken.None);
        var (from, to) = (new DateOnly(2021, 11, 11), new DateOnly(2021, 11, 12));

        // The whole DAG: every node it needs inside the range it plans, and the lookback before it (PGS) has its
        // versions: nothing is read.
        var recorded = new ProcessedNodeReads(warehouse);
        var whole = new BackfillRequest(from, to, ProcessorIds.All);
        var (plan, _) = await BackfillActivities.PlanWithVersionsAsync(recorded, whole, Versions.CodeVersions.Declared, CancellationToken.None);
        Assert.Empty(recorded.Reads);
        AssertSamePlan(await PlanFromWholeHistoryAsync(warehouse, whole), plan);
        Assert.Empty(plan.AddedByPreflight);

        // Output without versions (written before versions were kept): only the lookback before the range is read, and
        // only of the processor the lookbacks read. The same plan.
        recorded = new ProcessedNodeReads(warehouse) { WithoutVersions = true };
        (plan, _) = await BackfillActivities.PlanWithVersionsAsync(recorded, whole, Versions.CodeVersions.Declared, CancellationToken.None);
        Assert.Equal([(new DateRange(Fixtures.Season2021.From, from.AddDays(-1)), "PGS")], recorded.Reads);
        AssertSamePlan(await PlanFromWholeHistoryAsync(warehouse, whole), plan);
        Assert.Empty(plan.AddedByPreflight);

        // PSZA alone: it needs PGS on its own dates, so the whole history is read (of every processor) and the plan made
        // from it: PGS of Nov 11 exists, PGS of Nov 12 is added.
        recorded = new ProcessedNodeReads(warehouse);
        var subset = new BackfillRequest(from, to, [ProcessorId.PSZA]);
        (plan, var versions) = await BackfillActivities.PlanWithVersionsAsync(recorded, subset, Versions.CodeVersions.Declared, CancellationToken.None);
        Assert.Equal([(versions.History, string.Join(",", ProcessorIds.All))], recorded.Reads);
        AssertSamePlan(await PlanFromWholeHistoryAsync(warehouse, subset), plan);
        Assert.Equal([new PlanNode(ProcessorId.PGS, to, versions.Calendar.IndexOf[to])], plan.AddedByPreflight);
    }

    /// <summary>The plan as made before reads were narrowed: from every processed node of the history.</summary>
    private static async Task<BackfillPlan> PlanFromWholeHistoryAsync(IWarehouse warehouse, BackfillRequest request)
    {
        var versions = await Versions.VersionContext.ReadAsync(warehouse, new DateRange(request.From, request.To), Versions.CodeVersions.Declared, CancellationToken.None);
        var processed = await warehouse.ReadProcessedNodesAsync(versions.History, ProcessorIds.All, CancellationToken.None);
        return BackfillPlanner.Plan(request, versions.Calendar, (p, d) => processed.Contains((p, d)));
    }

    private static void AssertSamePlan(BackfillPlan expected, BackfillPlan actual)
    {
        Assert.Equal(expected.Nodes, actual.Nodes);
        Assert.Equal(expected.Dependencies.Select(d => string.Join(",", d)), actual.Dependencies.Select(d => string.Join(",", d)));
        Assert.Equal(expected.AddedByPreflight, actual.AddedByPreflight);
        Assert.Equal(expected.MissingUpstream, actual.MissingUpstream);
    }

    /// <summary>The ranges and processors of processed nodes asked for, in order.</summary>
    private sealed class ProcessedNodeReads(IWarehouse inner) : DelegatingWarehouse(inner)
    {
        public List<(DateRange Range, string Processors)> Reads { get; } = [];

        /// <summary>Hides the node versions, as a warehouse filled before they were kept.</summary>
        public bool WithoutVersions { get; init; }

        public override async Task<IReadOnlyList<TRow>> ReadRowsAsync<TRow>(TableSchema<TRow> table, DateRange range, CancellationToken ct) =>
            WithoutVersions && table.Schema == TableCatalog.NodeVersions ? [] : await base.ReadRowsAsync(table, range, ct);

        public override Task<IReadOnlySet<(ProcessorId Processor, DateOnly Date)>> ReadProcessedNodesAsync(
            DateRange range, IReadOnlyCollection<ProcessorId> processors, CancellationToken ct)
        {
            Reads.Add((range, string.Join(",", ProcessorIds.All.Where(processors.Contains))));
            return base.ReadProcessedNodesAsync(range, processors, ct);
        }

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>A DuckDB warehouse in a folder of its own with the bundled season loaded; the folder goes with it.</summary>
    private sealed class LoadedWarehouse : IAsyncDisposable
    {
        private readonly string _dir;

        private LoadedWarehouse(string dir, DuckDbWarehouse warehouse) => (_dir, Warehouse) = (dir, warehouse);

        public DuckDbWarehouse Warehouse { get; }

        public static async Task<LoadedWarehouse> OpenAsync(string name)
        {
            var dir = Path.Combine(Path.GetTempPath(), name + "-" + Path.GetRandomFileName());
            var loaded = new LoadedWarehouse(dir, await DuckDbWarehouse.OpenAsync(Path.Combine(dir, "w.duckdb")));
            try
            {
                await loaded.Warehouse.ReplaceRawSeasonAsync(Fixtures.BundledSeason, "bundled", Fixtures.Stamp.CreatedAt, CancellationToken.None);
                return loaded;
            }
            catch
            {
                await loaded.DisposeAsync();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await Warehouse.DisposeAsync();
            if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
        }
    }

    /// <summary>Plans a one-day PGS run of <paramref name="day"/>; its one batch.</summary>
    private static async Task<BatchInput> PlanPgsDayAsync(IWarehouse warehouse, DateOnly day)
    {
        var runId = $"bf-{day:yyyyMMdd}-{day:yyyyMMdd}-pgs";
        var started = day.ToDateTime(TimeOnly.MinValue);
        await new BackfillActivities(warehouse, TimeProvider.System).PlanAsync(new PlanInput(runId, new BackfillRequest(day, day, [ProcessorId.PGS]), "test", started));
        return new BatchInput(runId, ProcessorId.PGS, [day], [0], 1, started);
    }

    /// <summary>Status writes that take a while; the order in which writes land.</summary>
    private sealed class SlowStatusWrites(IWarehouse inner) : DelegatingWarehouse(inner)
    {
        public List<string> Writes { get; } = [];

        public bool FailOutput { get; init; }

        /// <summary>The delay holds the calling thread, as a warehouse that answers on the caller's thread does.</summary>
        public bool Blocking { get; init; }

        /// <summary>Whether the processor read its raw rows before the first status write had landed (it did not wait for it).</summary>
        public bool ReadBeforeStatusWritten { get; private set; }

        private int _statusWritten;

        public override async Task UpsertAsync(TableSchema table, IReadOnlyList<ITableRow> rows, CancellationToken ct)
        {
            if (table == TableCatalog.BackfillStatus)
            {
                if (Blocking) Thread.Sleep(300);
                else await Task.Delay(TimeSpan.FromMilliseconds(300), ct);
            }
            await base.UpsertAsync(table, rows, ct);
            if (table == TableCatalog.BackfillStatus) Volatile.Write(ref _statusWritten, 1);
            var what = table == TableCatalog.BackfillStatus ? "status " + ((StatusRow)rows[0]).Status.ToString().ToLowerInvariant() : "versions";
            lock (Writes) Writes.Add(what);
        }

        public override Task<IReadOnlyList<TRow>> ReadRowsAsync<TRow>(TableSchema<TRow> table, DateRange range, CancellationToken ct)
        {
            if (table.Schema == TableCatalog.RawBoxScores && Volatile.Read(ref _statusWritten) == 0) ReadBeforeStatusWritten = true;
            return base.ReadRowsAsync(table, range, ct);
        }

        public override async Task ReplaceOutputAsync(ProcessorResult result, DateTimeOffset now, CancellationToken ct)
        {
            lock (Writes)
            {
                if (FailOutput) throw new InvalidOperationException("output refused");
                Writes.Add("output");
            }
            await base.ReplaceOutputAsync(result, now, ct);
        }

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>A delivery killed right after its first write: that write happened, nothing after it did.</summary>
    private sealed class KilledAfterFirstWrite(IWarehouse inner) : DelegatingWarehouse(inner)
    {
        private bool _wrote;

        public override async Task UpsertAsync(TableSchema table, IReadOnlyList<ITableRow> rows, CancellationToken ct)
        {
            Kill();
            await base.UpsertAsync(table, rows, ct);
            _wrote = true;
        }

        public override async Task ReplaceOutputAsync(ProcessorResult result, DateTimeOffset now, CancellationToken ct)
        {
            Kill();
            await base.ReplaceOutputAsync(result, now, ct);
            _wrote = true;
        }

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private void Kill()
        {
            if (_wrote) throw new OperationCanceledException("killed");
        }
    }
}
