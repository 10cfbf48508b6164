using System.Net;
using System.Net.Sockets;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using NbaBackfill.Orchestration;
using NbaBackfill.Warehouse;

namespace NbaBackfill.Engines;

/// <summary>
/// The embedded default engine: the Durable Task SDK worker and client in this process over an in-memory backend
/// (through the SDK's gRPC sidecar). Orchestration state does not survive the process; durability comes from
/// backfill_status: the same command after a crash resumes the run and skips its succeeded nodes.
/// </summary>
public sealed class InProcessEngine : IBackfillEngine
{
    private readonly DurableTaskTestHost _host;

    private InProcessEngine(DurableTaskTestHost host) => _host = host;

    public string Name => "inprocess";

    public DurableTaskClient Client => _host.Client;

    public static async Task<InProcessEngine> StartAsync(IWarehouse warehouse, TimeProvider time, CancellationToken ct = default, IRunReportSink? reports = null)
    {
        // The sidecar is an ASP.NET Core host: keep its Information logs off the user's terminal.
        Environment.SetEnvironmentVariable("Logging__LogLevel__Default", "Warning");
        var host = await DurableTaskTestHost.StartAsync(
            registry => BackfillTasks.Register(registry, () => new BackfillActivities(warehouse, time, reports)),
            new DurableTaskTestHostOptions { Port = FreePort() },
            ct);
        return new InProcessEngine(host);
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A running durable engine: a client to start and watch orchestrations.</summary>
public interface IBackfillEngine : IAsyncDisposable
{
    string Name { get; }

    DurableTaskClient Client { get; }
}
