using System.Net;
using Microsoft.DurableTask.Client;
using NbaBackfill.Orchestration;
using NbaBackfill.Planning;
using NbaBackfill.Processors;
using NbaBackfill.Warehouse;
using NbaBackfill.Warehouse.DuckDb;

namespace NbaBackfill.Engines.Tests;

/// <summary>The local engines' gRPC sidecar: reachable on loopback, usable only by this process.</summary>
[Collection("durable hosts")]
public sealed class SidecarEngineTests : IAsyncLifetime
{
    private BundledEngine _bed = null!;

    private DuckDbWarehouse Warehouse => _bed.Warehouse;

    private SidecarEngine Engine => _bed.Engine;

    public async Task InitializeAsync()
    {
        _bed = await BundledEngine.StartAsync("sidecar");
    }

    public async Task DisposeAsync()
    {
        await _bed.DisposeAsync();
    }

    [Theory]
    [InlineData("/TaskHubSidecarService/Hello")]
    [InlineData("/TaskHubSidecarService/StartInstance")]
    [InlineData("/TaskHubSidecarService/TerminateInstance")]
    public async Task A_hand_written_grpc_call_without_the_process_key_is_refused(string method)
    {
        // What `curl --http2-prior-knowledge` does: a gRPC request straight to the loopback port.
        using var http = new HttpClient();
        foreach (var key in new[] { null, "", "guess" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Engine.Address, method))
            {
                Content = new ByteArrayContent(new byte[5]), Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            };
            request.Content.Headers.ContentType = new("application/grpc");
            if (key is not null) request.Headers.TryAddWithoutValidation(SidecarEngine.KeyHeader, key);
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        var instances = new List<string>();
        await foreach (var m in Engine.Client.GetAllInstancesAsync()) instances.Add(m.InstanceId);
        Assert.Empty(instances);
    }

    [Fact]
    public async Task The_engine_s_own_worker_and_client_carry_the_key()
    {
        var request = new BackfillRequest(new DateOnly(2021, 11, 1), new DateOnly(2021, 11, 2), [ProcessorId.PGS]);
        var outcome = await new BackfillRunner(Engine, Warehouse, TimeProvider.System).RunAsync(request, RunIds.Key(request), null, CancellationToken.None);
        Assert.Equal(RunStatus.Completed, outcome.Status);
    }
}
