using NbaBackfill.Processors;

namespace NbaBackfill.Planning;

/// <summary>A run that is active on an engine (running, pending or suspended), with what it asked for.</summary>
public sealed record ActiveRun(string Id, BackfillRequest Request);

/// <summary>An active run whose (processor, date) nodes a new request would write too.</summary>
public sealed record RunConflict(string RunningId, IReadOnlyList<ProcessorId> Processors, DateOnly From, DateOnly To)
{
    public string Describe() =>
        $"{RunningId} is writing {string.Join(",", Processors)} on {Calendar.DateRange.Format(From)}..{Calendar.DateRange.Format(To)}";
}

/// <summary>
/// Whether a request may start while other runs are active (pure): two runs must never write the same
/// (processor, date) partition at once, whoever started them (API, CLI, daily timer).
/// </summary>
public static class RunAdmission
{
    public static IReadOnlyList<RunConflict> Conflicts(BackfillRequest candidate, IEnumerable<ActiveRun> active)
    {
        var conflicts = new List<RunConflict>();
        foreach (var run in active)
        {
            var shared = Nodes(candidate).Intersect(Nodes(run.Request)).ToList();
            if (shared.Count == 0) continue;
            conflicts.Add(new RunConflict(run.Id, shared.Select(n => n.Processor).Distinct().Order().ToList(),
                shared.Min(n => n.Date), shared.Max(n => n.Date)));
        }
        return conflicts;
    }

    /// <summary>The one-line refusal that names every conflict (API 409 detail, CLI error).</summary>
    public static string Refusal(IEnumerable<RunConflict> conflicts) =>
        "refused: " + string.Join("; ", conflicts.Select(c => c.Describe())) + " (wait for it, or terminate it)";

    /// <summary>The nodes a request writes: its explicit node list (retries), else every processor on every date.</summary>
    public static IEnumerable<NodeKey> Nodes(BackfillRequest request) =>
        request.Only ?? request.Processors.SelectMany(p => new Calendar.DateRange(request.From, request.To).Dates().Select(d => new NodeKey(p, d)));
}
