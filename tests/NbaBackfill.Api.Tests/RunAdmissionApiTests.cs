using System.Text;
using System.Text.Json;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Time.Testing;
using NbaBackfill.Calendar;
using NbaBackfill.Engines;
using NbaBackfill.Orchestration;
using NbaBackfill.Planning;
using NbaBackfill.Processors;
using NbaBackfill.Tables;
using NbaBackfill.Warehouse;
using NbaBackfill.Warehouse.DuckDb;

namespace NbaBackfill.Api.Tests;

/// <summary>Overlapping starts, terminate records and the cost of a status poll, over a real in-process engine.</summary>
[Collection("durable hosts")]
public sealed class RunAdmissionApiTests : IAsyncLifetime
{
    private BundledEngine _bed = null!;

    private DuckDbWarehouse Warehouse => _bed.Warehouse;

    private SidecarEngine Engine => _bed.Engine;
    private BackfillApi _api = null!;

    public async Task InitializeAsync()
    {
        _bed = await BundledEngine.StartAsync("admission");
        _api = Api(Warehouse);
    }

    public async Task DisposeAsync()
    {
        await _bed.DisposeAsync();
    }

    private BackfillApi Api(IWarehouse warehouse) =>
        new(Engine.Client, warehouse, new ApiOptions(), id => ManagementPayload.FromRoutes("http://localhost:7071", id), "test");

    private Task<WireResponse> PostAsync(string json) => _api.StartAsync(Encoding.UTF8.GetBytes(json), CancellationToken.None).OnWireAsync();

    private const string Slow = ",\"batchSize\":1,\"maxParallel\":1";

    [Fact]
    public async Task A_start_overlapping_an_active_run_is_refused_with_409_naming_it_and_the_shared_nodes()
    {
        var running = await PostAsync("{\"from\":\"2021-11-01\",\"to\":\"2021-11-20\"" + Slow + "}");
        Assert.Equal(202, running.Status);
        var runningId = running.Read<ManagementPayload>().Id;

        var overlapping = await PostAsync("{\"from\":\"2021-11-15\",\"to\":\"2021-12-05\",\"processors\":[\"PDC\"]}");
        Assert.Equal((409, "application/problem+json"), (overlapping.Status, overlapping.ContentType));
        var problem = overlapping.Read<Microsoft.AspNetCore.Mvc.ProblemDetails>();
        Assert.Equal(runningId, problem.Instance);
        var conflict = Assert.Single(overlapping.Json.GetProperty("conflicts").Deserialize<List<ConflictDetail>>(JsonSerializerOptions.Web)!);
        Assert.Equal((runningId, "PDC", new DateOnly(2021, 11, 15), new DateOnly(2021, 11, 20)),
            (conflict.RunningId, string.Join(",", conflict.Processors), conflict.From, conflict.To));
        Assert.Contains($"{runningId} is writing PDC on 2021-11-15..2021-11-20", problem.Detail, StringComparison.Ordinal);
        Assert.Null(await Engine.Client.GetInstanceAsync("bf-20211115-20211205-pdc"));

        // Other dates are free.
        var elsewhere = await PostAsync("{\"from\":\"2021-11-21\",\"to\":\"2021-11-22\",\"processors\":[\"PGS\"]}");
        Assert.Equal(202, elsewhere.Status);

        // A suspended run still holds its nodes: for the API and for the daily timer.
        await Engine.Client.SuspendInstanceAsync(runningId, "test");
        await WaitForStatusAsync(runningId, OrchestrationRuntimeStatus.Suspended);
        Assert.Equal(409, (await PostAsync("{\"from\":\"2021-11-10\",\"to\":\"2021-11-10\",\"processors\":[\"PGS\"]}")).Status);
        var daily = new DailyRunner(Engine.Client, Warehouse, new FakeTimeProvider(new DateTimeOffset(2021, 11, 11, 11, 0, 0, TimeSpan.Zero)), "test", catchUpDays: 1);
        var decision = Assert.Single(await daily.TickAsync(CancellationToken.None));
        Assert.Equal(DailyAction.WaitingForBackfill, decision.Action);
        Assert.Contains(runningId, decision.Reason, StringComparison.Ordinal);
        Assert.Null(await Engine.Client.GetInstanceAsync("daily-2021-11-10"));

        await Engine.Client.TerminateInstanceAsync(runningId);
        await Engine.Client.WaitForInstanceCompletionAsync(elsewhere.Read<ManagementPayload>().Id);
    }

    [Fact]
    public async Task Simultaneous_overlapping_starts_admit_exactly_one()
    {
        var bodies = new[]
        {
            "{\"from\":\"2021-11-01\",\"to\":\"2021-11-10\"" + Slow + "}",
            "{\"from\":\"2021-11-05\",\"to\":\"2021-11-12\"" + Slow + "}",
            "{\"from\":\"2021-11-08\",\"to\":\"2021-11-08\",\"processors\":[\"PGS\",\"MLFS\"]}",
        };
        var responses = await Task.WhenAll(bodies.Select(b => Task.Run(() => PostAsync(b))));
        Assert.Equal(1, responses.Count(r => r.Status == 202));
        Assert.Equal(2, responses.Count(r => r.Status == 409));
        var started = new List<string>();
        await foreach (var m in Engine.Client.GetAllInstancesAsync()) started.Add(m.InstanceId);
        Assert.Equal(responses.Single(r => r.Status == 202).Read<ManagementPayload>().Id, Assert.Single(started));
        await Engine.Client.TerminateInstanceAsync(started[0]);
    }

    [Fact]
    public async Task Terminate_records_the_run_as_terminated_and_the_same_request_then_starts_afresh()
    {
        var start = await PostAsync("{\"from\":\"2021-11-01\",\"to\":\"2021-11-20\"" + Slow + "}");
        var id = start.Read<ManagementPayload>().Id;
        using (var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            while ((await Warehouse.ReadWhereAsync(TableCatalog.BackfillRuns, "run_id", id, patience.Token)).Count == 0) await Task.Delay(50, patience.Token);
        }
        Assert.Equal(202, (await _api.TerminateAsync(id, CancellationToken.None).OnWireAsync()).Status);
        await Engine.Client.WaitForInstanceCompletionAsync(id);

        var run = RunRow.From(new Row((await Warehouse.ReadWhereAsync(TableCatalog.BackfillRuns, "run_id", id, CancellationToken.None)).Single()));
        Assert.Equal((RunStatus.Terminated, true), (run.Status, run.CompletedAt is not null));
        var nodes = (await Warehouse.ReadWhereAsync(TableCatalog.BackfillStatus, "run_id", id, CancellationToken.None)).Select(r => StatusRow.From(new Row(r))).ToList();
        Assert.DoesNotContain(nodes, n => n.Status == NodeStatus.Pending);
        Assert.Contains(nodes, n => n.Status == NodeStatus.Terminated);
        var status = JsonDocument.Parse((await _api.GetAsync(id, CancellationToken.None).OnWireAsync()).BodyText).RootElement;
        Assert.Equal(("Terminated", "Terminated"), (status.GetProperty("runtimeStatus").GetString(), status.GetProperty("status").GetString()));

        // The CLI's runner does not "resume" a terminated run: the same request gets a new run id.
        var (runId, resumed) = await new BackfillRunner(Engine, Warehouse, TimeProvider.System)
            .ChooseRunIdAsync(new Planning.BackfillRequest(new DateOnly(2021, 11, 1), new DateOnly(2021, 11, 20), ProcessorIds.All), CancellationToken.None);
        Assert.False(resumed);
        Assert.NotEqual(id, runId);
    }

    [Fact]
    public async Task A_status_poll_reads_counts_not_failure_rows_and_sees_runs_the_engine_does_not_hold()
    {
        var start = await PostAsync("{\"from\":\"2021-11-01\",\"to\":\"2021-11-05\"}");
        var id = start.Read<ManagementPayload>().Id;
        await Engine.Client.WaitForInstanceCompletionAsync(id);
        var counting = new CountingWarehouse(Warehouse);
        var status = JsonDocument.Parse((await Api(counting).GetAsync(id, CancellationToken.None).OnWireAsync()).BodyText).RootElement;
        Assert.True(status.GetProperty("failuresByCategory").GetProperty("INSUFFICIENT_DATA").GetInt64() > 0);
        Assert.True(status.GetProperty("progress").GetProperty("totalNodes").GetInt32() >= 30);
        Assert.Equal(0, counting.FailureRowReads);
        Assert.True(counting.Calls <= 3, $"{counting.Calls} warehouse calls for one poll");

        // A run the engine never held (the CLI's, in another process) is found through backfill_runs.
        await Engine.Client.PurgeInstanceAsync(id);
        var fromWarehouse = await _api.GetAsync(id, CancellationToken.None).OnWireAsync();
        Assert.Equal(200, fromWarehouse.Status);
        Assert.Equal("Completed", JsonDocument.Parse(fromWarehouse.BodyText).RootElement.GetProperty("status").GetString());
    }

    private async Task WaitForStatusAsync(string id, OrchestrationRuntimeStatus status)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while ((await Engine.Client.GetInstanceAsync(id, patience.Token))?.RuntimeStatus != status) await Task.Delay(50, patience.Token);
    }

    private sealed class CountingWarehouse(IWarehouse inner) : DelegatingWarehouse(inner)
    {
        public int Calls;
        public int FailureRowReads;

        public override Task<IReadOnlyList<Failures.FailureRecord>> ReadUnresolvedFailuresAsync(ProcessorId processor, DateRange range, CancellationToken ct)
        {
            Interlocked.Increment(ref Calls);
            Interlocked.Increment(ref FailureRowReads);
            return base.ReadUnresolvedFailuresAsync(processor, range, ct);
        }

        public override Task<IReadOnlyList<object?[]>> ReadWhereAsync(TableSchema table, string column, object value, CancellationToken ct)
        {
            Interlocked.Increment(ref Calls);
            return base.ReadWhereAsync(table, column, value, ct);
        }

        public override Task<IReadOnlyList<GroupCount>> CountGroupsAsync(TableSchema table, IReadOnlyList<string> groupBy, DateRange? range, string? whereColumn, object? whereValue, CancellationToken ct)
        {
            Interlocked.Increment(ref Calls);
            return base.CountGroupsAsync(table, groupBy, range, whereColumn, whereValue, ct);
        }

        public override Task<IReadOnlyList<object?[]>> ReadAllAsync(TableSchema table, DateRange? range, CancellationToken ct)
        {
            Interlocked.Increment(ref Calls);
            return base.ReadAllAsync(table, range, ct);
        }
    }
}
