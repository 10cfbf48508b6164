using System.CommandLine;
using System.Globalization;
using System.Text;
using NbaBackfill.Calendar;
using NbaBackfill.Reconciliation;
using NbaBackfill.Warehouse;

namespace NbaBackfill.Cli.Commands;

/// <summary>gaps: the date × table row-count grid of the seeds, no-game dates marked.</summary>
internal static class GapsCommand
{
    public static Command Create(CliEnvironment env)
    {
        var from = CommonOptions.From();
        var to = CommonOptions.To();
        var db = CommonOptions.Db();
        var command = new Command("gaps", "Row counts per date and table") { from, to, db };
        command.SetAction(async (result, ct) =>
        {
            var range = CommonOptions.Range(result, from, to);
            await using var warehouse = await CommonOptions.OpenWarehouseAsync(CommonOptions.DbPath(result, db, env), env, ct);
            await env.Out.WriteAsync(await RenderAsync(warehouse, range, ct));
            return ExitCodes.Complete;
        });
        return command;
    }

    public static async Task<string> RenderAsync(IWarehouse warehouse, DateRange range, CancellationToken ct)
    {
        var grid = await GapGrid.ReadAsync(warehouse, range, ct);
        var gameDates = grid.GameDates;
        var columns = grid.Columns.Select(c => (Name: c.Name.ToLowerInvariant(), c.Counts)).ToList();
        var sb = new StringBuilder();
        sb.Append("| target_date |").AppendJoin("", columns.Select(c => $" {c.Name,5} |")).Append(" note\n");
        foreach (var date in range.Dates())
        {
            sb.Append(CultureInfo.InvariantCulture, $"| {DateRange.Format(date)}  |");
            if (!gameDates.Contains(date))
            {
                sb.AppendJoin("", columns.Select(_ => $" {"-",5} |")).Append(" NO_GAMES\n");
                continue;
            }
            foreach (var c in columns) sb.Append(CultureInfo.InvariantCulture, $" {c.Counts.GetValueOrDefault(date),5} |");
            var empty = columns.Where(c => c.Counts.GetValueOrDefault(date) == 0).Select(c => c.Name).ToList();
            sb.Append(empty.Count == 0 ? " ok" : $" missing: {string.Join(", ", empty)}").Append('\n');
        }
        return sb.ToString();
    }
}
