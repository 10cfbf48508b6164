using System.Text;
using System.Text.Json;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Time.Testing;
using NbaBackfill.Engines;
using NbaBackfill.Orchestration;
using NbaBackfill.Warehouse;
using NbaBackfill.Warehouse.DuckDb;

namespace NbaBackfill.Api.Tests;

/// <summary>The API over a real in-process Durable Task client and a DuckDB warehouse holding the bundled season.</summary>
[Collection("durable hosts")]
public sealed class BackfillApiTests : IAsyncLifetime
{
    private BundledEngine _bed = null!;

    private DuckDbWarehouse Warehouse => _bed.Warehouse;

    private SidecarEngine Engine => _bed.Engine;
    private BackfillApi _api = null!;

    public async Task InitializeAsync()
    {
        _bed = await BundledEngine.StartAsync("api");
        _api = new BackfillApi(Engine.Client, Warehouse, new ApiOptions(), id => ManagementPayload.FromRoutes("http://localhost:7071", id), "test");
    }

    public async Task DisposeAsync()
    {
        await _bed.DisposeAsync();
    }

    private static byte[] Body(string json) => Encoding.UTF8.GetBytes(json);

    private async Task<JsonElement> WaitAsync(string id)
    {
        await Engine.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true);
        var get = await _api.GetAsync(id, CancellationToken.None).OnWireAsync();
        Assert.Equal(200, get.Status);
        return JsonDocument.Parse(get.BodyText).RootElement;
    }

    [Fact]
    public async Task Start_returns_202_with_the_management_payload_and_a_duplicate_gets_409()
    {
        var start = await _api.StartAsync(Body("{\"from\":\"2021-11-01\",\"to\":\"2021-11-05\"}"), CancellationToken.None).OnWireAsync();
        Assert.Equal(202, start.Status);
        var payload = start.Read<ManagementPayload>();
        Assert.Equal("bf-20211101-20211105-pgspszatdzapcfpdcmlfs", payload.Id);
        Assert.Equal("http://localhost:7071/api/backfills/bf-20211101-20211105-pgspszatdzapcfpdcmlfs", payload.StatusQueryGetUri);
        Assert.EndsWith("/terminate", payload.TerminatePostUri, StringComparison.Ordinal);
        Assert.Equal(payload.StatusQueryGetUri, start.Location);

        var duplicate = await _api.StartAsync(Body("{\"from\":\"2021-11-01\",\"to\":\"2021-11-05\",\"processors\":[\"MLFS\",\"PDC\",\"PCF\",\"TDZA\",\"PSZA\",\"PGS\"]}"), CancellationToken.None).OnWireAsync();
        Assert.Equal(409, duplicate.Status);
        Assert.Equal(payload.Id, duplicate.Json.GetProperty("instance").GetString());

        var done = await WaitAsync(payload.Id);
        Assert.Equal("Completed", done.GetProperty("runtimeStatus").GetString());
        Assert.Equal("Completed", done.GetProperty("status").GetString());
        Assert.Equal(6, done.GetProperty("reconciliation").GetArrayLength());
        Assert.True(done.GetProperty("failuresByCategory").GetProperty("INSUFFICIENT_DATA").GetInt32() > 0);

        // Finished: the same request can start again (same id).
        var again = await _api.StartAsync(Body("{\"from\":\"2021-11-01\",\"to\":\"2021-11-05\"}"), CancellationToken.None).OnWireAsync();
        Assert.Equal(202, again.Status);
        await WaitAsync(payload.Id);

        var list = await _api.ListAsync(new ListQuery("Completed", null, "10", null), CancellationToken.None).OnWireAsync();
        Assert.Contains(payload.Id, list.BodyText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_ids_are_404_and_bad_bodies_are_400_problem_json_with_nothing_started()
    {
        const string unknown = "bf-20990101-20990102-pgs";
        Assert.Equal(404, (await _api.GetAsync(unknown, CancellationToken.None).OnWireAsync()).Status);
        Assert.Equal(404, (await _api.TerminateAsync(unknown, CancellationToken.None).OnWireAsync()).Status);
        Assert.Equal(404, (await _api.RetryAsync(unknown, new RetryQuery(null), CancellationToken.None).OnWireAsync()).Status);
        // Ids that are not run ids never reach the engine.
        Assert.Equal(400, (await _api.GetAsync("nope", CancellationToken.None).OnWireAsync()).Status);
        Assert.Equal(400, (await _api.TerminateAsync("../x", CancellationToken.None).OnWireAsync()).Status);
        var bad = await _api.StartAsync(Body("{\"from\":\"2021-11-30\",\"to\":\"2021-11-01\"}"), CancellationToken.None).OnWireAsync();
        Assert.Equal((400, "application/problem+json"), (bad.Status, bad.ContentType));
        var none = new List<OrchestrationMetadata>();
        await foreach (var m in Engine.Client.GetAllInstancesAsync()) none.Add(m);
        Assert.Empty(none);
        Assert.Equal(400, (await _api.ListAsync(new ListQuery("Sleeping", null, null, null), CancellationToken.None).OnWireAsync()).Status);
        Assert.Equal(400, (await _api.GapsAsync(new RangeQuery("2021-11-05", "2021-11-01"), CancellationToken.None).OnWireAsync()).Status);
        Assert.Equal(400, (await _api.ReconciliationAsync(new ReconciliationQuery(null, "2021-11-01", null), CancellationToken.None).OnWireAsync()).Status);
        Assert.Equal(400, (await _api.RetryAsync("x", new RetryQuery("maybe"), CancellationToken.None).OnWireAsync()).Status);
    }

    [Fact]
    public async Task Terminate_stops_a_running_backfill_and_retry_reruns_what_it_left()
    {
        var start = await _api.StartAsync(Body("{\"from\":\"2021-11-01\",\"to\":\"2021-11-20\",\"batchSize\":1,\"maxParallel\":1}"), CancellationToken.None).OnWireAsync();
        var id = start.Read<ManagementPayload>().Id;
        // Let it plan and make some progress first.
        using (var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            while ((await Engine.Client.GetInstanceAsync(id, getInputsAndOutputs: true, patience.Token))?.SerializedCustomStatus is null)
            {
                await Task.Delay(50, patience.Token);
            }
        }
        var terminate = await _api.TerminateAsync(id, CancellationToken.None).OnWireAsync();
        Assert.Equal(202, terminate.Status);
        var meta = await Engine.Client.WaitForInstanceCompletionAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, meta.RuntimeStatus);
        Assert.Equal(409, (await _api.TerminateAsync(id, CancellationToken.None).OnWireAsync()).Status);

        var retry = await _api.RetryAsync(id, new RetryQuery(null), CancellationToken.None).OnWireAsync();
        Assert.Equal(202, retry.Status);
        var retryId = retry.Read<ManagementPayload>().Id;
        Assert.Equal(id + "-retry1", retryId);
        var done = await WaitAsync(retryId);
        Assert.Equal("Completed", done.GetProperty("status").GetString());
        var reconciliation = JsonDocument.Parse((await _api.ReconciliationAsync(new ReconciliationQuery("2021-11-01", "2021-11-20", null), CancellationToken.None).OnWireAsync()).BodyText).RootElement;
        Assert.All(reconciliation.EnumerateArray(), r => Assert.Equal(0, r.GetProperty("unaccounted").GetInt32()));
    }

    [Fact]
    public async Task A_second_start_finds_every_node_fresh_and_force_computes_them_all()
    {
        const string range = "\"from\":\"2021-10-19\",\"to\":\"2021-10-22\"";
        var first = (await _api.StartAsync(Body("{" + range + "}"), CancellationToken.None).OnWireAsync()).Read<ManagementPayload>().Id;
        var total = (await WaitAsync(first)).GetProperty("progress").GetProperty("totalNodes").GetInt32();
        Assert.Equal("[]", (await _api.StaleAsync(new RangeQuery("2021-10-19", "2021-10-22"), CancellationToken.None).OnWireAsync()).BodyText);

        var again = (await _api.StartAsync(Body("{" + range + "}"), CancellationToken.None).OnWireAsync()).Read<ManagementPayload>().Id;
        var progress = (await WaitAsync(again)).GetProperty("progress");
        Assert.Equal((0, total), (progress.GetProperty("computed").GetInt32(), progress.GetProperty("skippedFresh").GetInt32()));

        var forced = (await _api.StartAsync(Body("{" + range + ",\"force\":true}"), CancellationToken.None).OnWireAsync()).Read<ManagementPayload>().Id;
        progress = (await WaitAsync(forced)).GetProperty("progress");
        Assert.Equal((total, 0), (progress.GetProperty("computed").GetInt32(), progress.GetProperty("skippedFresh").GetInt32()));

        // Runs are listed from backfill_runs with their engine (the API's runs of one range share one id).
        using var runs = JsonDocument.Parse((await _api.RunsAsync(CancellationToken.None).OnWireAsync()).BodyText);
        var run = Assert.Single(runs.RootElement.EnumerateArray(), r => r.GetProperty("id").GetString() == first);
        Assert.Equal(("test", "Completed"), (run.GetProperty("engine").GetString(), run.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Daily_runs_once_per_date_and_waits_for_a_backfill_covering_it()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2021, 11, 3, 11, 0, 0, TimeSpan.Zero));
        var daily = new DailyRunner(Engine.Client, Warehouse, time, "test", catchUpDays: 2);

        // A backfill over Nov 1-2 is running: the daily run of Nov 2 waits instead of writing the same partitions.
        var backfill = await _api.StartAsync(Body("{\"from\":\"2021-10-19\",\"to\":\"2021-11-02\",\"batchSize\":1,\"maxParallel\":1}"), CancellationToken.None).OnWireAsync();
        var backfillId = backfill.Read<ManagementPayload>().Id;
        await Engine.Client.WaitForInstanceStartAsync(backfillId);
        var waiting = await daily.TickAsync(CancellationToken.None);
        Assert.Contains(waiting, d => d.Action == DailyAction.WaitingForBackfill && d.Reason.Contains(backfillId, StringComparison.Ordinal));
        Assert.Null(await Engine.Client.GetInstanceAsync("daily-2021-11-02"));
        await Engine.Client.WaitForInstanceCompletionAsync(backfillId);

        // Nov 3 is "today": the backfill processed Nov 1-2 → done, nothing to start.
        var after = await daily.TickAsync(CancellationToken.None);
        Assert.All(after, d => Assert.Equal(DailyAction.Done, d.Action));

        // A day later with nothing processed for Nov 3: daily-2021-11-03 starts once; a second tick finds it active or done.
        time.Advance(TimeSpan.FromDays(1));
        var next = await daily.TickAsync(CancellationToken.None);
        Assert.Contains(next, d => d.Date == new DateOnly(2021, 11, 3) && d.Action == DailyAction.Started);
        var again = await daily.TickAsync(CancellationToken.None);
        Assert.Contains(again, d => d.Date == new DateOnly(2021, 11, 3) && d.Action is DailyAction.AlreadyActive or DailyAction.Done);
        var meta = await Engine.Client.WaitForInstanceCompletionAsync(RunIds.Daily(new DateOnly(2021, 11, 3)), getInputsAndOutputs: true);
        Assert.Equal(RunStatus.Completed, meta.ReadOutputAs<BackfillOutcome>()!.Status);
    }
}
