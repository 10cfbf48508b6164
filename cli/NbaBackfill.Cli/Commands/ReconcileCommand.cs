using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using NbaBackfill.Calendar;
using NbaBackfill.Reconciliation;

namespace NbaBackfill.Cli.Commands;

/// <summary>reconcile: Expected = HasRecord + HasFailure + Unaccounted, per processor (and per date on request).</summary>
internal static class ReconcileCommand
{
    public static Command Create(CliEnvironment env)
    {
        var from = CommonOptions.From();
        var to = CommonOptions.To();
        var db = CommonOptions.Db();
        var json = CommonOptions.Json();
        var perDate = new Option<bool>("--per-date") { Description = "include per-date detail" };
        var processors = new Option<string?>("--processors") { Description = "comma-separated subset (default: all six)" };
        var command = new Command("reconcile", "Prove every expected entity has a row or an explained failure") { from, to, db, json, perDate, processors };
        command.SetAction(async (result, ct) =>
        {
            var range = CommonOptions.Range(result, from, to);
            var ids = CommonOptions.Processors(result.GetValue(processors));
            await using var warehouse = await CommonOptions.OpenWarehouseAsync(CommonOptions.DbPath(result, db, env), env, ct);
            var report = await ReconciliationReader.ReconcileAsync(warehouse, range, ids, ct);
            if (result.GetValue(json))
            {
                await env.Out.WriteLineAsync(ToJson(report, result.GetValue(perDate)));
            }
            else
            {
                await env.Out.WriteLineAsync(Format(report, result.GetValue(perDate)));
            }
            return report.All(r => r.Totals.IsClean) ? ExitCodes.Complete : ExitCodes.FinishedWithFailures;
        });
        return command;
    }

    internal static string ToJson(IReadOnlyList<ProcessorReconciliation> report, bool perDate) =>
        JsonSerializer.Serialize(report.Select(r => Counts(r.Processor.ToString(), null, r.Totals, perDate
            ? r.Dates.Select(d => Counts(null, d.Date, d.Counts, null)).ToList()
            : null)), new JsonSerializerOptions { WriteIndented = true });

    private static Dictionary<string, object?> Counts(string? processor, DateOnly? date, ReconciliationCounts c, List<Dictionary<string, object?>>? dates)
    {
        var o = new Dictionary<string, object?>();
        if (processor is not null) o["processor"] = processor;
        if (date is not null) o["date"] = DateRange.Format(date.Value);
        o["expected"] = c.Expected;
        o["has_record"] = c.HasRecord;
        o["has_failure"] = c.HasFailure;
        o["unaccounted"] = c.Unaccounted;
        o["orphans"] = c.Orphans;
        o["both"] = c.Both;
        o["coverage"] = Math.Round(c.Coverage, 6);
        if (dates is not null) o["dates"] = dates;
        return o;
    }

    internal static string Format(IReadOnlyList<ProcessorReconciliation> report, bool perDate)
    {
        var sb = new System.Text.StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{"processor",-10}{"expected",10}{"record",10}{"failure",10}{"unaccounted",13}{"orphans",9}{"both",6}{"coverage",10}");
        foreach (var r in report)
        {
            Line(sb, r.Processor.ToString(), r.Totals);
            if (perDate)
            {
                foreach (var d in r.Dates) Line(sb, "  " + DateRange.Format(d.Date), d.Counts);
            }
        }
        var clean = report.All(r => r.Totals.IsClean);
        sb.Append(clean ? "complete: Unaccounted = Orphans = Both = 0" : "NOT complete: some entities are unaccounted, orphaned or both");
        return sb.ToString();
    }

    private static void Line(System.Text.StringBuilder sb, string name, ReconciliationCounts c) =>
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"{name,-10}{c.Expected,10}{c.HasRecord,10}{c.HasFailure,10}{c.Unaccounted,13}{c.Orphans,9}{c.Both,6}{c.Coverage,10:P1}");
}
