using System.CommandLine;
using NbaBackfill.Cli.Commands;
using NbaBackfill.Raw;

namespace NbaBackfill.Cli;

/// <summary>Builds the command tree and maps outcomes to exit codes.</summary>
public static class CliApp
{
    public static async Task<int> RunAsync(string[] args, CliEnvironment env, CancellationToken ct)
    {
        var root = new RootCommand("NbaBackfill: durable, observable, self-checking backfills of the NBA prediction pipeline")
        {
            LoadCommand.Create(env),
            LandCommand.Create(env),
            ProcessCommand.Create(env),
            ReconcileCommand.Create(env),
            ExportCommand.Create(env),
            GapsCommand.Create(env),
            RunCommand.Create(env, dryRunOnly: false),
            RunCommand.Create(env, dryRunOnly: true),
            StatusCommand.Create(env),
            RetryCommand.Create(env),
            StaleCommand.Create(env),
            DailyCommand.Create(env),
            ServeCommand.Create(env),
            BenchCommand.Create(env),
            SchemasCommand.Create(env),
            BenchCommand.CreatePhase(env),
        };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // One line: an unrecognised token explains the rest ("required command missing") best.
            var error = parsed.Errors.OrderBy(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal) ? 0 : 1).First();
            await env.Error.WriteLineAsync($"error: {error.Message}");
            return ExitCodes.BadInput;
        }
        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = env.Out, Error = env.Error, EnableDefaultExceptionHandler = false }, ct);
        }
        catch (UsageException e)
        {
            await env.Error.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (RawInputException e)
        {
            await env.Error.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (Engines.RunNotCompletedException e)
        {
            // E.g. the warehouse stayed down beyond the retries: every finished node is recorded; the same command resumes.
            await env.Error.WriteLineAsync($"error: {OneLine(e.Message)} — re-run the same command to resume");
            return ExitCodes.FinishedWithFailures;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await env.Error.WriteLineAsync("cancelled: every write is a transaction; re-run the same command to resume");
            return ExitCodes.Cancelled;
        }
    }

    private static string OneLine(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length > 400 ? line[..400] + "…" : line;
    }
}
