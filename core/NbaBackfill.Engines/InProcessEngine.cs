using Microsoft.DurableTask.Testing.Sidecar;
using NbaBackfill.Orchestration;
using NbaBackfill.Warehouse;

namespace NbaBackfill.Engines;

/// <summary>
/// The embedded default engine: an in-memory Durable Task backend in this process. Orchestration state does not
/// survive the process; durability comes from backfill_status: the same command after a crash resumes the run and
/// skips its succeeded nodes.
/// </summary>
public static class InProcessEngine
{
    /// <param name="code">Code versions other than the declared ones (tests of a version bump).</param>
    public static Task<SidecarEngine> StartAsync(
        IWarehouse warehouse, TimeProvider time, CancellationToken ct = default, IRunReportSink? reports = null, Versions.CodeVersions? code = null)
    {
        var service = new InMemoryOrchestrationService();
        return SidecarEngine.StartAsync("inprocess", service, service, warehouse, time, reports, ct, code);
    }
}

/// <summary>A running durable engine: a client to start and watch orchestrations.</summary>
public interface IBackfillEngine : IAsyncDisposable
{
    string Name { get; }

    Microsoft.DurableTask.Client.DurableTaskClient Client { get; }
}
