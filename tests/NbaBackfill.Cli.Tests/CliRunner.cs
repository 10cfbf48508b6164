namespace NbaBackfill.Cli.Tests;

/// <summary>Runs the CLI in-process against a temporary working folder.</summary>
public sealed class CliRunner : IDisposable
{
    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "nba-cli-" + Path.GetRandomFileName());

    public string Db => Path.Combine(Dir, "w.duckdb");

    /// <summary>Environment variables the commands see besides NBA_DB.</summary>
    public Dictionary<string, string> Variables { get; } = [];

    public CliRunner() => Directory.CreateDirectory(Dir);

    public async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var env = new CliEnvironment(stdout, stderr, TimeProvider.System, name => name == "NBA_DB" ? Db : Variables.GetValueOrDefault(name)) { OutputRedirected = true };
        var code = await CliApp.RunAsync(args, env, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}
