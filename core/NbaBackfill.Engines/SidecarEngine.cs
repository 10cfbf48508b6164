using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
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
/// A Durable Task Framework backend made reachable by the Durable Task SDK (the API of Durable Functions isolated):
/// the SDK's gRPC sidecar on loopback in a slim Kestrel host, and the SDK worker and client connected to it, with the
/// backfill orchestrator and activities registered. Both local engines are this, over different backends.
/// </summary>
public sealed class SidecarEngine : IBackfillEngine
{
    private readonly WebApplication _sidecar;
    private readonly IHost _worker;
    private readonly GrpcChannel _channel;

    /// <summary>The header that carries this process's sidecar key; requests without it get 401.</summary>
    public const string KeyHeader = "x-nba-sidecar-key";

    private SidecarEngine(string name, WebApplication sidecar, IHost worker, GrpcChannel channel, Uri address)
    {
        Name = name;
        Address = address;
        _sidecar = sidecar;
        _worker = worker;
        _channel = channel;
        Client = worker.Services.GetRequiredService<DurableTaskClient>();
    }

    public string Name { get; }

    /// <summary>Where the sidecar listens (loopback); reachable by any local user, usable only with the key.</summary>
    public Uri Address { get; }

    public DurableTaskClient Client { get; }

    public static async Task<SidecarEngine> StartAsync(
        string name, CoreOrchestrationService service, CoreOrchestrationServiceClient client, IWarehouse warehouse, TimeProvider time,
        IRunReportSink? reports, CancellationToken ct, Versions.CodeVersions? code = null)
    {
        var port = FreePort();
        // Any local user can reach a loopback port: without this key (random per process, never written anywhere)
        // they could start or terminate orchestrations with hand-written input, around the API's rules.
        var key = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        // An empty host: no configuration files (the slim builder's appsettings reload watched the working directory's
        // whole tree, recursively, while the run went on: measured 0.15 CPU-s per engine in a repository checkout),
        // no environment settings, no logging providers; only Kestrel and routing, which the gRPC service needs.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.Services.AddRoutingCore();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(service);
        builder.Services.AddSingleton(client);
        builder.Services.AddSingleton<TaskHubGrpcServer>();
        var sidecar = builder.Build();
        sidecar.Use(async (http, next) =>
        {
            var given = Encoding.ASCII.GetBytes(http.Request.Headers[KeyHeader].ToString());
            if (!CryptographicOperations.FixedTimeEquals(given, Encoding.ASCII.GetBytes(key)))
            {
                http.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }
            await next(http);
        });
        sidecar.MapGrpcService<TaskHubGrpcServer>();
        await sidecar.StartAsync(ct);

        var address = new Uri($"http://127.0.0.1:{port}");
        var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = new SidecarKeyHandler(key) { InnerHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true } },
        });
        var workerBuilder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        workerBuilder.Services.AddDurableTaskWorker(b =>
        {
            b.UseGrpc(channel);
            b.AddTasks(registry => BackfillTasks.Register(registry, () => new BackfillActivities(warehouse, time, reports, code: code)));
        });
        workerBuilder.Services.AddDurableTaskClient(b =>
        {
            b.UseGrpc(channel);
            b.RegisterDirectly();
        });
        var worker = workerBuilder.Build();
        await worker.StartAsync(ct);
        return new SidecarEngine(name, sidecar, worker, channel, address);
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

    /// <summary>Adds the sidecar key to every call of the worker and client.</summary>
    private sealed class SidecarKeyHandler(string key) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.TryAddWithoutValidation(KeyHeader, key);
            return base.SendAsync(request, cancellationToken);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
