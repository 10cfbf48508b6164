using System.CommandLine;
using System.Globalization;
using System.Text;
using NbaBackfill.Planning;
using NbaBackfill.Processors;
using NbaBackfill.Tables;
using NbaBackfill.Warehouse;

namespace NbaBackfill.Cli.Commands;

/// <summary>status [RUN]: runs, or one run's nodes per processor and status, from the warehouse (no engine needed).</summary>
internal static class StatusCommand
{
    public static Command Create(CliEnvironment env)
    {
        var run = new Argument<string?>("run") { Description = "run id (default: list runs)", Arity = ArgumentArity.ZeroOrOne };
        var db = CommonOptions.Db();
        var command = new Command("status", "Show backfill runs and their progress") { run, db };
        command.SetAction(async (result, ct) =>
        {
            await using var warehouse = await CommonOptions.OpenWarehouseAsync(CommonOptions.DbPath(result, db, env), env, ct);
            var runs = (await warehouse.ReadAllAsync(TableCatalog.BackfillRuns, null, ct)).Select(r => RunRow.From(new Row(r))).OrderBy(r => r.StartedAt).ToList();
            var id = result.GetValue(run);
            var sb = new StringBuilder();
            if (id is null)
            {
                if (runs.Count == 0) sb.AppendLine("no runs yet");
                foreach (var r in runs)
                    sb.AppendLine(CultureInfo.InvariantCulture, $"{r.RunId}  {r.Status,-22} {r.FromDate:yyyy-MM-dd}..{r.ToDate:yyyy-MM-dd}  {r.Processors}  started {r.StartedAt:yyyy-MM-dd HH:mm:ss}Z{(r.SkipPreflight ? "  (pre-flight skipped)" : "")}");
                await env.Out.WriteAsync(sb.ToString());
                return ExitCodes.Complete;
            }
            var row = runs.FirstOrDefault(r => r.RunId == id) ?? throw new UsageException($"unknown run '{id}'");
            var nodes = (await warehouse.ReadWhereAsync(TableCatalog.BackfillStatus, "run_id", id, row.StatusDates, ct)).Select(r => StatusRow.From(new Row(r))).ToList();
            sb.AppendLine(CultureInfo.InvariantCulture, $"run {row.RunId}: {row.Status}, {row.FromDate:yyyy-MM-dd}..{row.ToDate:yyyy-MM-dd}, engine {row.Engine}, options {row.Options}");
            foreach (var g in nodes.GroupBy(n => n.Processor).OrderBy(g => ProcessorIds.TryParse(g.Key, out var p) ? p : new ProcessorId(g.Key)))
            {
                sb.AppendLine("  " + g.Key.PadRight(6) + string.Join(", ", g.GroupBy(n => n.Status.StoredName()).OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key} {s.Count()}")) +
                    string.Create(CultureInfo.InvariantCulture, $"; {g.Sum(n => n.RowsWritten)} rows, {g.Sum(n => n.FailuresWritten)} failures"));
            }
            foreach (var n in nodes.Where(n => n.Status is NodeStatus.Failed).Take(10))
                sb.AppendLine(CultureInfo.InvariantCulture, $"  failed {n.Processor} {n.TargetDate:yyyy-MM-dd} (attempt {n.Attempt}): {n.ErrorMessage}");
            await env.Out.WriteAsync(sb.ToString());
            return ExitCodes.Complete;
        });
        return command;
    }
}
