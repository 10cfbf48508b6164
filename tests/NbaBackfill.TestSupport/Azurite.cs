using System.Diagnostics;
using System.Net.Sockets;

namespace NbaBackfill.TestSupport;

/// <summary>
/// Azurite for tests: used when already listening (CI starts it), else started from PATH (npm install -g azurite)
/// for the life of the test process. No mocks for storage.
/// </summary>
public static class Azurite
{
    public const string ConnectionString = "UseDevelopmentStorage=true";
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static Process? _process;

    public static async Task EnsureRunningAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (Listening()) return;
            var location = Path.Combine(Path.GetTempPath(), "nba-azurite-" + Environment.ProcessId);
            Directory.CreateDirectory(location);
            var start = new ProcessStartInfo("azurite")
            {
                UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
            };
            foreach (var arg in new[] { "--silent", "--location", location, "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1",
                         "--tableHost", "127.0.0.1", "--skipApiVersionCheck", "--disableTelemetry" })
            {
                start.ArgumentList.Add(arg);
            }
            try
            {
                _process = Process.Start(start);
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new InvalidOperationException("Azurite is not running and not on PATH: npm install -g azurite (or start it on 127.0.0.1:10000-10002)", e);
            }
            AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { _process?.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } };
            for (var i = 0; i < 100 && !Listening(); i++) await Task.Delay(200);
            if (!Listening()) throw new InvalidOperationException("Azurite did not start listening on 127.0.0.1:10000-10002");
        }
        finally
        {
            Gate.Release();
        }
    }

    private static bool Listening() => new[] { 10000, 10001, 10002 }.All(port =>
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    });
}
