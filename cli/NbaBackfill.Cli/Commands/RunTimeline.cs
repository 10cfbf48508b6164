using System.Diagnostics;
using NbaBackfill.Orchestration;

namespace NbaBackfill.Cli.Commands;

/// <summary>
/// Where an orchestrated run's wall time goes, read from the product's own spans (backfill.run and its waves) while it
/// runs: the engine's start, planning (the run's start to its first wave), the waves (the processors' work, as the
/// floor does it), the gaps between waves (status rows, checkpoints), and finalizing (the last wave's end to the run's
/// end: the final reconciliation and the run's record).
/// </summary>
internal sealed class RunTimeline : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly List<Span> _spans = [];

    private sealed record Span(string Name, ActivityTraceId Trace, string? RunId, DateTime Start, DateTime End);

    public RunTimeline()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == NbaTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = a =>
            {
                if (a.OperationName is "backfill.run" or "backfill.wave")
                {
                    var span = new Span(a.OperationName, a.TraceId, a.GetTagItem("nba.run_id") as string, a.StartTimeUtc, a.StartTimeUtc + a.Duration);
                    lock (_spans) _spans.Add(span);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Seconds per part of run <paramref name="runId"/>; <paramref name="engineStart"/> measured by the caller.</summary>
    /// <remarks>
    /// Spans of other runs in the process (tests run the CLI in theirs) are told apart by run id and trace: a run's waves
    /// carry its trace.
    /// </remarks>
    public IReadOnlyDictionary<string, double> Parts(string runId, TimeSpan engineStart)
    {
        List<Span> spans;
        lock (_spans) spans = [.. _spans];
        var run = spans.Where(s => s.Name == "backfill.run" && s.RunId == runId).MaxBy(s => s.Start)
            ?? throw new InvalidOperationException($"no span of run {runId}");
        var waves = spans.Where(s => s.Name == "backfill.wave" && s.Trace == run.Trace).OrderBy(s => s.Start).ToList();
        var wavesTime = waves.Sum(w => (w.End - w.Start).TotalSeconds);
        // Wave times are the orchestration's (its history's timestamps), the run's are its span's: the two clocks can
        // disagree by a few milliseconds, so a part never shows as less than nothing.
        var planning = Math.Max(0, waves.Count > 0 ? (waves[0].Start - run.Start).TotalSeconds : (run.End - run.Start).TotalSeconds);
        var finalizing = Math.Max(0, waves.Count > 0 ? (run.End - waves[^1].End).TotalSeconds : 0);
        return new Dictionary<string, double>
        {
            ["engine start"] = Round(engineStart.TotalSeconds),
            ["planning"] = Round(planning),
            ["waves"] = Round(wavesTime),
            ["between waves"] = Round(Math.Max(0, (run.End - run.Start).TotalSeconds - planning - wavesTime - finalizing)),
            ["finalizing"] = Round(finalizing),
        };
    }

    private static double Round(double seconds) => Math.Round(seconds, 3);

    public void Dispose() => _listener.Dispose();
}
