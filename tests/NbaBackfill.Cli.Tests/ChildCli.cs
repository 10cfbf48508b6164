using System.Collections.Concurrent;
using System.Diagnostics;

namespace NbaBackfill.Cli.Tests;

/// <summary>The real CLI in a child process (signals, file locks, kill -9 are about processes), its output collected.</summary>
public sealed class ChildCli : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _out = new();
    private readonly ConcurrentQueue<string> _err = new();

    private ChildCli(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) _out.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _err.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Out => string.Join("\n", _out);

    public string Err => string.Join("\n", _err);

    public static ChildCli Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "nba-backfill.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["DOTNET_PROCESSOR_COUNT"] = "64";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        return new ChildCli(Process.Start(start)!);
    }

    public async Task WaitForOutputAsync(Func<string, bool> line, TimeSpan timeout)
    {
        using var patience = new CancellationTokenSource(timeout);
        while (!_out.Any(line))
        {
            if (_process.HasExited) throw new InvalidOperationException($"exited {_process.ExitCode} before the line came: {Out}\n{Err}");
            await Task.Delay(50, patience.Token);
        }
    }

    /// <summary>Sends a POSIX signal (TERM, KILL, INT) as `kill -SIG pid` would.</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync();
    }

    /// <returns>The exit code, or null if it did not exit in time (then it is killed).</returns>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        using var patience = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(patience.Token);
            _process.WaitForExit(); // drains the output readers
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            return null;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
