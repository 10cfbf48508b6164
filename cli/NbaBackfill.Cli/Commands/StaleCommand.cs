using System.CommandLine;
using System.Text.Json;
using NbaBackfill.Calendar;
using NbaBackfill.Orchestration;
using NbaBackfill.Versions;

namespace NbaBackfill.Cli.Commands;

/// <summary>stale: every node whose code or inputs changed since it was computed (or that never ran), with the reasons.</summary>
internal static class StaleCommand
{
    public static Command Create(CliEnvironment env)
    {
        var from = CommonOptions.From(required: false);
        var to = CommonOptions.To(required: false);
        var processors = new Option<string?>("--processors") { Description = "comma-separated subset (default: all six)" };
        var db = CommonOptions.Db();
        var json = CommonOptions.Json();
        var command = new Command("stale", "List stale nodes and why (default: every loaded date)") { from, to, processors, db, json };
        command.SetAction(async (result, ct) =>
        {
            var range = OptionalRange(result, from, to);
            var selected = CommonOptions.Processors(result.GetValue(processors));
            await using var warehouse = await CommonOptions.OpenWarehouseAsync(CommonOptions.DbPath(result, db, env), env, ct);
            var scope = range ?? await StaleRuns.LoadedRangeAsync(warehouse, ct);
            var stale = scope is { } r ? await StaleRuns.FindAsync(warehouse, r, selected, CodeVersions.Declared, ct) : [];
            if (result.GetValue(json))
            {
                await env.Out.WriteLineAsync(JsonSerializer.Serialize(
                    stale.Select(s => new { processor = s.Processor.ToString(), date = DateRange.Format(s.Date), reasons = s.Reasons }), RunCommand.JsonOptions));
                return ExitCodes.Complete;
            }
            if (stale.Count == 0)
            {
                await env.Out.WriteLineAsync(scope is { } s ? $"nothing stale in {s}" : "nothing loaded");
                return ExitCodes.Complete;
            }
            await env.Out.WriteLineAsync($"{stale.Count} stale node(s) in {scope}: " +
                string.Join(", ", stale.GroupBy(s => s.Processor).Select(g => $"{g.Key} {g.Count()}")));
            foreach (var s in stale) await env.Out.WriteLineAsync($"  {s.Processor,-5} {DateRange.Format(s.Date)}  {string.Join("; ", s.Reasons)}");
            return ExitCodes.Complete;
        });
        return command;
    }

    /// <summary>--from/--to together, or neither (null).</summary>
    internal static DateRange? OptionalRange(ParseResult result, Option<DateOnly?> from, Option<DateOnly?> to)
    {
        var (f, t) = (result.GetValue(from), result.GetValue(to));
        if (f is null && t is null) return null;
        if (f is null || t is null) throw new UsageException("give both --from and --to, or neither");
        return CommonOptions.Range(result, from, to);
    }
}
