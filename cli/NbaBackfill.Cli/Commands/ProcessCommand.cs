using System.CommandLine;
using System.Globalization;
using NbaBackfill.Failures;
using NbaBackfill.Processors;

namespace NbaBackfill.Cli.Commands;

/// <summary>process: one processor over a date range in one set-based pass (the old per-processor scripts, done right).</summary>
internal static class ProcessCommand
{
    public static Command Create(CliEnvironment env)
    {
        var processor = new Option<string>("--processor") { Description = "PGS, PSZA, TDZA, PCF, PDC or MLFS", Required = true };
        var from = CommonOptions.From();
        var to = CommonOptions.To();
        var db = CommonOptions.Db();
        var command = new Command("process", "Run one processor over a date range") { processor, from, to, db };
        command.SetAction(async (result, ct) =>
        {
            var id = CommonOptions.Processor(result.GetValue(processor));
            var range = CommonOptions.Range(result, from, to);
            await using var warehouse = await CommonOptions.OpenWarehouseAsync(CommonOptions.DbPath(result, db, env), env, ct);
            var now = env.Time.GetUtcNow();
            var stamp = new RunStamp($"process-{id}-{now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}", now);
            var output = await ProcessorRunner.RunAsync(id, warehouse, range, stamp, ct);
            var byCategory = string.Join(", ", output.Failures.GroupBy(f => f.FailureCategory).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}"));
            await env.Out.WriteLineAsync(
                $"{id} {range}: {output.Dates.Count} game date(s), {output.Rows.Count} rows, {output.Failures.Count} failures" +
                (byCategory.Length > 0 ? $" ({byCategory})" : ""));
            return ExitCodes.Complete;
        });
        return command;
    }
}
