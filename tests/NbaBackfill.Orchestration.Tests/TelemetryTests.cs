using NbaBackfill.Warehouse;
using System.Diagnostics;
using NbaBackfill.Engines;
using NbaBackfill.Planning;
using NbaBackfill.Processors;
using NbaBackfill.Warehouse.DuckDb;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace NbaBackfill.Orchestration.Tests;

[CollectionDefinition("telemetry", DisableParallelization = true)]
public sealed class TelemetryCollection;

/// <summary>A month's backfill through the in-memory exporters: the span tree and the metrics against the run's own counts.</summary>
[Collection("telemetry")]
public sealed class TelemetryTests
{
    [Fact]
    public async Task A_month_is_traced_run_wave_activity_warehouse_and_its_metrics_match_the_outcome()
    {
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(NbaTelemetry.Name).AddInMemoryExporter(spans).Build();
        using var metering = Sdk.CreateMeterProviderBuilder().AddMeter(NbaTelemetry.Name).AddInMemoryExporter(metrics).Build();

        var dir = Path.Combine(Path.GetTempPath(), "nba-otel-" + Path.GetRandomFileName());
        BackfillOutcome outcome;
        await using (var warehouse = await DuckDbWarehouse.OpenAsync(Path.Combine(dir, "w.duckdb")))
        {
            await warehouse.ReplaceRawSeasonAsync(Fixtures.BundledSeason, "bundled", Fixtures.Stamp.CreatedAt, CancellationToken.None);
            await using var engine = await InProcessEngine.StartAsync(warehouse, TimeProvider.System);
            var request = new BackfillRequest(new DateOnly(2021, 11, 1), new DateOnly(2021, 11, 30), ProcessorIds.All, BatchSize: 7);
            outcome = await new BackfillRunner(engine, warehouse, TimeProvider.System).RunAsync(request, "bf-20211101-20211130-otel", null, CancellationToken.None);
        }
        Directory.Delete(dir, recursive: true);
        Assert.Equal(RunStatus.Completed, outcome.Status);
        tracing.ForceFlush();
        metrics.Clear();
        metering.ForceFlush();

        var run = Assert.Single(spans, s => s.OperationName == "backfill.run");
        Assert.Equal("bf-20211101-20211130-otel", run.GetTagItem("nba.run_id"));
        var waves = spans.Where(s => s.OperationName == "backfill.wave").ToList();
        Assert.Equal(outcome.Progress.Wave, waves.Count);
        Assert.All(waves, w => Assert.Equal((run.TraceId, run.SpanId), (w.TraceId, w.ParentSpanId)));
        Assert.All(waves, w => Assert.True(w.StartTimeUtc >= run.StartTimeUtc && w.StartTimeUtc + w.Duration <= run.StartTimeUtc + run.Duration));

        var waveIds = waves.Select(w => w.SpanId).ToHashSet();
        var activities = spans.Where(s => s.OperationName == "backfill.activity").ToList();
        Assert.Equal(outcome.Progress.Activities, activities.Count);
        Assert.All(activities, a => Assert.Contains(a.ParentSpanId, waveIds));
        Assert.Equal(outcome.Progress.RowsWritten, activities.Sum(a => (int)a.GetTagItem("nba.rows")!));
        Assert.Equal(outcome.Progress.FailuresWritten, activities.Sum(a => (int)a.GetTagItem("nba.failures")!));
        Assert.Equal(outcome.Progress.TotalNodes, activities.Sum(a => (int)a.GetTagItem("nba.nodes")!));
        Assert.Equal(ProcessorIds.All.Select(p => p.ToString()).Order(), activities.Select(a => (string)a.GetTagItem("nba.processor")!).Distinct().Order());

        var activityIds = activities.Select(a => a.SpanId).ToHashSet();
        var calls = spans.Where(s => s.OperationName.StartsWith("warehouse.", StringComparison.Ordinal)).ToList();
        Assert.All(calls, c => Assert.Contains(c.ParentSpanId, activityIds));
        // Every activity replaced its output partitions, and says which table.
        foreach (var a in activities)
        {
            var table = TableOf((string)a.GetTagItem("nba.processor")!);
            Assert.Contains(calls, c => c.ParentSpanId == a.SpanId && c.OperationName == "warehouse.replace" && (string)c.GetTagItem("db.collection.name")! == table);
        }

        Assert.Equal(outcome.Progress.Succeeded, Sum(metrics, "nba.nodes.computed"));
        Assert.Equal(outcome.Progress.RowsWritten, Sum(metrics, "nba.rows.written"));
        Assert.Equal(outcome.Progress.FailuresWritten, Sum(metrics, "nba.failures.written"));
        Assert.Equal(0, Sum(metrics, "nba.nodes.failed"));
        Assert.True(Count(metrics, "nba.warehouse.call.duration") >= calls.Count);
    }

    [Fact]
    public async Task Activity_logs_carry_the_run_and_instance_ids_as_scope()
    {
        var dir = Path.Combine(Path.GetTempPath(), "nba-logs-" + Path.GetRandomFileName());
        var logger = new ScopeRecordingLogger();
        await using (var warehouse = await DuckDbWarehouse.OpenAsync(Path.Combine(dir, "w.duckdb")))
        {
            await warehouse.ReplaceRawSeasonAsync(Fixtures.BundledSeason, "bundled", Fixtures.Stamp.CreatedAt, CancellationToken.None);
            var activities = new BackfillActivities(warehouse, TimeProvider.System, null, logger);
            var day = new DateOnly(2021, 11, 1);
            await activities.ProcessBatchAsync(new BatchInput("bf-20211101-20211101-pgs", ProcessorId.PGS, [day], [0], 1, day.ToDateTime(TimeOnly.MinValue)));
        }
        Directory.Delete(dir, recursive: true);
        var (message, scope) = Assert.Single(logger.Entries);
        Assert.StartsWith("PGS 2021-11-01..2021-11-01: ", message, StringComparison.Ordinal);
        Assert.Equal("bf-20211101-20211101-pgs", scope["RunId"]);
        Assert.Equal("bf-20211101-20211101-pgs", scope["InstanceId"]);
    }

    private sealed class ScopeRecordingLogger : Microsoft.Extensions.Logging.ILogger<BackfillActivities>
    {
        private readonly AsyncLocal<IReadOnlyDictionary<string, object>?> _scope = new();

        public List<(string Message, IReadOnlyDictionary<string, object> Scope)> Entries { get; } = [];

        public IDisposable BeginScope<TState>(TState state) where TState : notnull
        {
            var previous = _scope.Value;
            _scope.Value = state as IReadOnlyDictionary<string, object> ?? (state as IDictionary<string, object>)?.AsReadOnly();
            return new Restore(() => _scope.Value = previous);
        }

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((formatter(state, exception), _scope.Value ?? new Dictionary<string, object>()));

        private sealed class Restore(Action restore) : IDisposable
        {
            public void Dispose() => restore();
        }
    }

    private static string TableOf(string processor) => Tables.TableCatalog.OutputOf(ProcessorIds.Parse(processor)).Name;

    private static long Sum(IEnumerable<Metric> metrics, string name)
    {
        long sum = 0;
        foreach (var metric in metrics.Where(m => m.Name == name))
        {
            foreach (ref readonly var point in metric.GetMetricPoints()) sum += point.GetSumLong();
        }
        return sum;
    }

    private static long Count(IEnumerable<Metric> metrics, string name)
    {
        long count = 0;
        foreach (var metric in metrics.Where(m => m.Name == name))
        {
            foreach (ref readonly var point in metric.GetMetricPoints()) count += point.GetHistogramCount();
        }
        return count;
    }
}
