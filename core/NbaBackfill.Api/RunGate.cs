using System.Runtime.CompilerServices;
using Microsoft.DurableTask.Client;
using NbaBackfill.Orchestration;
using NbaBackfill.Planning;

namespace NbaBackfill.Api;

/// <summary>
/// The admission gate of one task hub client: every start (API, retry, daily tick) checks the active runs and
/// schedules inside it, so a check and the schedule it allows cannot interleave with another start of this process.
/// </summary>
public static class RunGate
{
    public static readonly OrchestrationRuntimeStatus[] Active =
        [OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Suspended];

    private static readonly ConditionalWeakTable<DurableTaskClient, SemaphoreSlim> Gates = new();

    public static async Task<IDisposable> EnterAsync(DurableTaskClient client, CancellationToken ct)
    {
        var gate = Gates.GetValue(client, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        return new Turn(gate);
    }

    /// <summary>
    /// Checks the active runs and, when none overlaps, calls <paramref name="schedule"/>: both inside the gate. An
    /// active instance with the same id refuses the start too, unless <paramref name="resumesSameId"/> (a resumed CLI
    /// run follows the instance its engine still holds).
    /// </summary>
    public static async Task<Admission> AdmitAsync(
        DurableTaskClient client, string id, BackfillRequest request, bool resumesSameId, Func<Task> schedule, CancellationToken ct)
    {
        using var turn = await EnterAsync(client, ct);
        var active = await ActiveRunsAsync(client, ct);
        if (!resumesSameId && active.FirstOrDefault(a => a.Id == id) is { } same) return new Admission(same, []);
        var conflicts = RunAdmission.Conflicts(request, active.Where(a => a.Id != id));
        if (conflicts.Count == 0) await schedule();
        return new Admission(null, conflicts);
    }

    /// <summary>Every active backfill instance (daily runs included) with its request.</summary>
    public static async Task<IReadOnlyList<ActiveRun>> ActiveRunsAsync(DurableTaskClient client, CancellationToken ct)
    {
        var runs = new List<ActiveRun>();
        await foreach (var m in client.GetAllInstancesAsync(new OrchestrationQuery(Statuses: Active, FetchInputsAndOutputs: true)).WithCancellation(ct))
        {
            if (m.Name == TaskNames.Backfill && m.ReadInputAs<BackfillInput>() is { } input) runs.Add(new ActiveRun(m.InstanceId, input.Request));
        }
        return runs;
    }

    private sealed class Turn(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) gate.Release();
        }
    }
}

/// <summary>What <see cref="RunGate.AdmitAsync"/> decided: started (neither set), or the active run(s) in the way.</summary>
public sealed record Admission(ActiveRun? SameIdActive, IReadOnlyList<RunConflict> Conflicts);

/// <summary>
/// Node counts of a run from one GROUP BY over its status rows (what a status poll shows while it runs): Succeeded
/// counts nodes done, of which <see cref="Computed"/> ran and <see cref="SkippedFresh"/> were found fresh.
/// </summary>
public sealed record NodeCounts(int TotalNodes, int Succeeded, int Failed, int Blocked, int Pending, int Running, int Terminated,
    IReadOnlyDictionary<string, ProcessorProgress> Processors, int Computed = 0, int SkippedFresh = 0)
{
    public static NodeCounts Of(IReadOnlyList<Warehouse.GroupCount> groups)
    {
        static int Count(IEnumerable<Warehouse.GroupCount> g, NodeStatus status) => (int)g.Where(x => (string)x.Keys[1]! == status.StoredName()).Sum(x => x.Count);
        static int Done(IEnumerable<Warehouse.GroupCount> g) => Count(g, NodeStatus.Succeeded) + Count(g, NodeStatus.Fresh);
        return new NodeCounts((int)groups.Sum(g => g.Count), Done(groups), Count(groups, NodeStatus.Failed), Count(groups, NodeStatus.Blocked),
            Count(groups, NodeStatus.Pending), Count(groups, NodeStatus.Running), Count(groups, NodeStatus.Terminated),
            groups.GroupBy(g => (string)g.Keys[0]!).ToDictionary(g => g.Key, g => new ProcessorProgress(
                (int)g.Sum(x => x.Count), Done(g), Count(g, NodeStatus.Failed), Count(g, NodeStatus.Blocked), Count(g, NodeStatus.Pending), Count(g, NodeStatus.Running))),
            Count(groups, NodeStatus.Succeeded), Count(groups, NodeStatus.Fresh));
    }
}
