using System.Net;
using System.Net.Sockets;
using DurableTask.AzureStorage;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NbaBackfill.Orchestration;
using NbaBackfill.Warehouse;
using CoreOrchestrationService = DurableTask.Core.IOrchestrationService;
using CoreOrchestrationServiceClient = DurableTask.Core.IOrchestrationServiceClient;

namespace NbaBackfill.Engines;

/// <summary>
/// The durable local engine: the Azure Storage provider Durable Functions itself uses (against Azurite or a real
/// account), exposed to the Durable Task SDK worker and client through the SDK's gRPC sidecar hosted in this process on
/// loopback. Orchestration state lives in the task hub: a killed process resumes the same instance when restarted.
/// </summary>
public sealed class AzureStorageEngine : IBackfillEngine
{
    private readonly WebApplication _sidecar;
    private readonly IHost _worker;
    private readonly GrpcChannel _channel;

    private AzureStorageEngine(WebApplication sidecar, IHost worker, GrpcChannel channel)
    {
        _sidecar = sidecar;
        _worker = worker;
        _channel = channel;
        Client = worker.Services.GetRequiredService<DurableTaskClient>();
    }

    public string Name => "azurestorage";

    public DurableTaskClient Client { get; }

    public static async Task<AzureStorageEngine> StartAsync(
        string connectionString, string taskHub, IWarehouse warehouse, TimeProvider time, CancellationToken ct = default, IRunReportSink? reports = null)
    {
        var settings = new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = taskHub,
            StorageAccountClientProvider = new StorageAccountClientProvider(connectionString),
            // Measured here: the 5-minute defaults make a resumed instance wait 5.5 minutes; keep above the longest activity.
            ControlQueueVisibilityTimeout = TimeSpan.FromSeconds(10),
            WorkItemQueueVisibilityTimeout = TimeSpan.FromSeconds(10),
            MaxQueuePollingInterval = TimeSpan.FromSeconds(1),
            PartitionCount = 4,
            MaxConcurrentTaskActivityWorkItems = 16,
            MaxConcurrentTaskOrchestrationWorkItems = 8,
        };
        var service = new AzureStorageOrchestrationService(settings);
        await service.CreateIfNotExistsAsync();

        var port = FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton<CoreOrchestrationService>(service);
        builder.Services.AddSingleton<CoreOrchestrationServiceClient>(service);
        builder.Services.AddSingleton<TaskHubGrpcServer>();
        var sidecar = builder.Build();
        sidecar.MapGrpcService<TaskHubGrpcServer>();
        await sidecar.StartAsync(ct);

        var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var workerBuilder = Host.CreateApplicationBuilder();
        workerBuilder.Logging.ClearProviders();
        workerBuilder.Services.AddDurableTaskWorker(b =>
        {
            b.UseGrpc(channel);
            b.AddTasks(registry => BackfillTasks.Register(registry, () => new BackfillActivities(warehouse, time, reports)));
        });
        workerBuilder.Services.AddDurableTaskClient(b =>
        {
            b.UseGrpc(channel);
            b.RegisterDirectly();
        });
        var worker = workerBuilder.Build();
        await worker.StartAsync(ct);
        return new AzureStorageEngine(sidecar, worker, channel);
    }

    public async ValueTask DisposeAsync()
    {
        await _worker.StopAsync();
        _worker.Dispose();
        await _channel.ShutdownAsync();
        _channel.Dispose();
        await _sidecar.StopAsync();
        await _sidecar.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
