using System.Globalization;
using NbaBackfill.Cli.Commands;
using NbaBackfill.Orchestration;

namespace NbaBackfill.Cli;

/// <summary>
/// Progress of a run: on a terminal, one bar redrawn in place with per-processor counts and an ETA; when output is
/// redirected, plain lines (one per change), which logs and tests can read.
/// </summary>
internal sealed class ProgressReporter(CliEnvironment env)
{
    private bool _drawn;

    public void Report(ProgressSummary p)
    {
        if (env.OutputRedirected)
        {
            env.Out.WriteLine(RunCommand.ProgressLine(p));
            return;
        }
        var done = p.Succeeded + p.Failed + p.Blocked;
        var fraction = p.TotalNodes == 0 ? 1 : (double)done / p.TotalNodes;
        const int width = 30;
        var filled = (int)Math.Round(fraction * width);
        var elapsed = p.UpdatedAt - p.StartedAt;
        var eta = fraction is > 0 and < 1 ? TimeSpan.FromSeconds(elapsed.TotalSeconds / fraction * (1 - fraction)) : TimeSpan.Zero;
        var perProcessor = string.Join(" ", p.Processors.Select(kv => $"{kv.Key} {kv.Value.Succeeded}/{kv.Value.Total}"));
        env.Out.Write(string.Create(CultureInfo.InvariantCulture,
            $"\r[{new string('#', filled)}{new string('.', width - filled)}] {fraction,4:P0} ETA {eta:mm\\:ss} | {perProcessor}{(p.Failed + p.Blocked > 0 ? $" | {p.Failed} failed {p.Blocked} blocked" : "")}\u001b[K"));
        _drawn = true;
    }

    public void Complete()
    {
        if (_drawn) env.Out.WriteLine();
    }
}
