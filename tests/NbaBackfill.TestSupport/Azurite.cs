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
            try
            {
                _process = Process.Start(StartInfo(location, []));
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

    private static bool Listening() => Listening([10000, 10001, 10002]);

    /// <summary>azurite on loopback with the flags current Azure SDKs need, its data in <paramref name="location"/>.</summary>
    internal static ProcessStartInfo StartInfo(string location, IEnumerable<string> extra)
    {
        var start = new ProcessStartInfo("azurite") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])["--silent", "--location", location, "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1",
                     "--tableHost", "127.0.0.1", "--skipApiVersionCheck", "--disableTelemetry", .. extra])
        {
            start.ArgumentList.Add(arg);
        }
        return start;
    }

    internal static bool Listening(IEnumerable<int> ports) => ports.All(port =>
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

/// <summary>
/// An Azurite of a test's own (own ports, own folder), so the test can stop it mid-run and start it again on the same
/// data: a storage outage.
/// </summary>
public sealed class PrivateAzurite : IAsyncDisposable
{
    // Azurite's well-known development account key (public, documented; not a secret).
    private const string DevKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly string _location = Path.Combine(Path.GetTempPath(), "nba-azurite-own-" + Guid.CreateVersion7().ToString("N"));
    private readonly int[] _ports;
    private Process? _process;

    public PrivateAzurite()
    {
        _ports = [BundledEngine.FreePort(), BundledEngine.FreePort(), BundledEngine.FreePort()];
        Directory.CreateDirectory(_location);
    }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevKey};" +
        $"BlobEndpoint=http://127.0.0.1:{_ports[0]}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{_ports[1]}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{_ports[2]}/devstoreaccount1;";

    public async Task StartAsync()
    {
        var ports = _ports.Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        _process = Process.Start(Azurite.StartInfo(_location, ["--blobPort", ports[0], "--queuePort", ports[1], "--tablePort", ports[2]]))
            ?? throw new InvalidOperationException("azurite did not start");
        for (var i = 0; i < 150 && !Listening(); i++) await Task.Delay(100);
        if (!Listening()) throw new InvalidOperationException($"Azurite did not listen on {string.Join(",", _ports)}");
    }

    /// <summary>Stops it the way a service stop does (SIGTERM: it saves its data), and waits until it is gone.</summary>
    public async Task StopAsync()
    {
        if (_process is null) return;
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!) await kill.WaitForExitAsync();
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await _process.WaitForExitAsync(patience.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
        _process = null;
    }

    public bool Listening() => Azurite.Listening(_ports);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try { Directory.Delete(_location, recursive: true); } catch (IOException) { }
    }
}
