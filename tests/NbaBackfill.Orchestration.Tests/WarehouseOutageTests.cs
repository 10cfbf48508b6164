using NbaBackfill.Calendar;
using NbaBackfill.Engines;
using NbaBackfill.Failures;
using NbaBackfill.Planning;
using NbaBackfill.Processors;
using NbaBackfill.Raw;
using NbaBackfill.Reconciliation;
using NbaBackfill.Tables;
using NbaBackfill.Warehouse;
using NbaBackfill.Warehouse.DuckDb;

namespace NbaBackfill.Orchestration.Tests;

/// <summary>The warehouse goes away for longer than the activity retries, then comes back.</summary>
[Collection("durable hosts")]
public sealed class WarehouseOutageTests : IDisposable
{
    private static readonly DateRange Range = new(new DateOnly(2021, 11, 1), new DateOnly(2021, 11, 10));
    private readonly TempFolder _dir = new("outage");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task An_outage_beyond_the_retries_stops_the_run_clearly_and_the_same_request_then_resumes_to_identical_tables()
    {
        var request = new BackfillRequest(Range.From, Range.To, ProcessorIds.All, BatchSize: 2, MaxParallel: 1);
        await using var clean = await LoadedAsync("clean");
        await using (var engine = await InProcessEngine.StartAsync(clean, TimeProvider.System))
        {
            Assert.Equal(RunStatus.Completed, (await new BackfillRunner(engine, clean, TimeProvider.System).RunAsync(request, "bf-clean", null, CancellationToken.None)).Status);
        }

        await using var inner = await LoadedAsync("outage");
        var flaky = new OutageWarehouse(inner) { GoDownAfterWrites = 12 };
        string runId;
        await using (var engine = await InProcessEngine.StartAsync(flaky, TimeProvider.System))
        {
            var runner = new BackfillRunner(engine, flaky, TimeProvider.System);
            (runId, _) = await runner.ChooseRunIdAsync(request, CancellationToken.None);
            var stopped = await Assert.ThrowsAsync<RunNotCompletedException>(() => runner.RunAsync(request, runId, null, CancellationToken.None));
            Assert.Contains("warehouse unavailable", stopped.Message, StringComparison.Ordinal);
            Assert.Equal(runId, stopped.RunId);
        }
        Assert.True(flaky.Refused > 5, "the outage lasted beyond the retries");

        flaky.Down = false;
        await using (var engine = await InProcessEngine.StartAsync(flaky, TimeProvider.System))
        {
            var runner = new BackfillRunner(engine, flaky, TimeProvider.System);
            var (again, resumed) = await runner.ChooseRunIdAsync(request, CancellationToken.None);
            Assert.Equal((runId, true), (again, resumed));
            Assert.Equal(RunStatus.Completed, (await runner.RunAsync(request, again, null, CancellationToken.None)).Status);
        }

        foreach (var p in ProcessorIds.All)
        {
            var table = TableCatalog.OutputOf(p);
            Assert.Equal(await CsvAsync(clean, table), await CsvAsync(inner, table));
        }
        foreach (var table in new[] { TableCatalog.AnalyticsFailures, TableCatalog.PrecomputeFailures })
        {
            Assert.Equal(await SubstanceAsync(clean, table), await SubstanceAsync(inner, table));
        }
        var report = await ReconciliationReader.ReconcileAsync(inner, Range, ProcessorIds.All, CancellationToken.None);
        Assert.All(report, r => Assert.True(r.Totals.IsClean, r.ToString()));
        Assert.Single(await inner.ReadAllAsync(TableCatalog.BackfillRuns, null, CancellationToken.None));
    }

    private async Task<DuckDbWarehouse> LoadedAsync(string name)
    {
        var w = await DuckDbWarehouse.OpenAsync(_dir.File(name + ".duckdb"));
        await w.ReplaceRawSeasonAsync(Fixtures.BundledSeason, "bundled", Fixtures.Stamp.CreatedAt, CancellationToken.None);
        return w;
    }

    private static async Task<string> CsvAsync(IWarehouse w, TableSchema table)
    {
        await using var writer = new StringWriter();
        await CsvExport.WriteAsync(table, await w.ReadAllAsync(table, null, CancellationToken.None), writer);
        return writer.ToString();
    }

    // Run ids and creation times differ between the two databases by design.
    private static async Task<string> SubstanceAsync(IWarehouse w, TableSchema table) =>
        string.Join("\n", (await w.ReadAllAsync(table, null, CancellationToken.None)).Select(r => string.Join(",", r.Take(15).Select(CsvExport.Format))).Order(StringComparer.Ordinal));

    /// <summary>Every call fails with a transient error while it is down, as an unreachable warehouse would.</summary>
    private sealed class OutageWarehouse(IWarehouse inner) : DelegatingWarehouse(inner)
    {
        private int _writes;
        private int _tripped;

        public int GoDownAfterWrites { get; init; } = int.MaxValue;

        public volatile bool Down;

        public int Refused;

        private void Check()
        {
            if (!Down) return;
            Interlocked.Increment(ref Refused);
            throw new TransientWarehouseException("warehouse unavailable (connection refused)");
        }

        private void Wrote()
        {
            if (Interlocked.Increment(ref _writes) >= GoDownAfterWrites && Interlocked.Exchange(ref _tripped, 1) == 0) Down = true;
        }

        public override async Task ReplaceOutputAsync(ProcessorResult result, DateTimeOffset now, CancellationToken ct)
        {
            Check();
            await base.ReplaceOutputAsync(result, now, ct);
            Wrote();
        }

        public override async Task UpsertAsync(TableSchema table, IReadOnlyList<ITableRow> rows, CancellationToken ct)
        {
            Check();
            await base.UpsertAsync(table, rows, ct);
            Wrote();
        }

        public override Task<IReadOnlyList<T>> ReadAsync<T>(TableSchema table, DateRange range, Func<Row, T> map, CancellationToken ct)
        {
            Check();
            return base.ReadAsync(table, range, map, ct);
        }

        public override Task<IReadOnlyList<TRow>> ReadRowsAsync<TRow>(TableSchema<TRow> table, DateRange range, CancellationToken ct)
        {
            Check();
            return base.ReadRowsAsync(table, range, ct);
        }

        public override Task<IReadOnlyList<T>> ReadProjectedAsync<T>(TableSchema table, DateRange range, IReadOnlyList<string> columns, bool distinct, Func<Row, T> map, CancellationToken ct)
        {
            Check();
            return base.ReadProjectedAsync(table, range, columns, distinct, map, ct);
        }

        public override Task<IReadOnlyList<(DateOnly Date, string Entity)>> ReadKeysAsync(TableSchema table, DateRange range, string entityColumn, bool distinct, CancellationToken ct)
        {
            Check();
            return base.ReadKeysAsync(table, range, entityColumn, distinct, ct);
        }

        public override Task<IReadOnlyList<(DateOnly Date, string Entity)>> ReadUnresolvedFailureKeysAsync(TableSchema failures, ProcessorId processor, DateRange range, CancellationToken ct)
        {
            Check();
            return base.ReadUnresolvedFailureKeysAsync(failures, processor, range, ct);
        }

        public override Task<IReadOnlyList<object?[]>> ReadWhereAsync(TableSchema table, string column, object value, CancellationToken ct)
        {
            Check();
            return base.ReadWhereAsync(table, column, value, ct);
        }

        public override Task<IReadOnlyList<FailureRecord>> ReadUnresolvedFailuresAsync(ProcessorId processor, DateRange range, CancellationToken ct)
        {
            Check();
            return base.ReadUnresolvedFailuresAsync(processor, range, ct);
        }

        public override Task<IReadOnlySet<(ProcessorId Processor, DateOnly Date)>> ReadProcessedNodesAsync(DateRange range, IReadOnlyCollection<ProcessorId> processors, CancellationToken ct)
        {
            Check();
            return base.ReadProcessedNodesAsync(range, processors, ct);
        }

        public override Task ReplaceRawAsync(Versions.RawLoad load, CancellationToken ct)
        {
            Check();
            return base.ReplaceRawAsync(load, ct);
        }

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
