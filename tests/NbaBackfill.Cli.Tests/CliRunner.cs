namespace NbaBackfill.Cli.Tests;

/// <summary>Runs the CLI in-process against a temporary working folder.</summary>
public sealed class CliRunner : IDisposable
{
    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "nba-cli-" + Path.GetRandomFileName());

    public string Db => Path.Combine(Dir, "w.duckdb");

    public CliRunner() => Directory.CreateDirectory(Dir);

    public async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var env = new CliEnvironment(stdout, stderr, TimeProvider.System, name => name == "NBA_DB" ? Db : null) { OutputRedirected = true };
        var code = await CliApp.RunAsync(args, env, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}
