using System.CommandLine;
using System.Text;
using NbaBackfill.Tables;

namespace NbaBackfill.Cli.Commands;

/// <summary>export: one table to CSV with the contract's column names, in key order.</summary>
internal static class ExportCommand
{
    public static Command Create(CliEnvironment env)
    {
        var table = new Option<string>("--table") { Description = "table name (e.g. player_game_summary, precompute_failures, backfill_status)", Required = true };
        var output = new Option<string>("--out") { Description = "CSV file to write", Required = true };
        var db = CommonOptions.Db();
        var command = new Command("export", "Export a table to CSV") { table, output, db };
        command.SetAction(async (result, ct) =>
        {
            var name = result.GetValue(table)!;
            if (!TableCatalog.TryFind(name, out var schema))
            {
                throw new UsageException($"unknown table '{name}' (known: {string.Join(", ", TableCatalog.All.Select(t => t.Name))})");
            }
            var path = result.GetValue(output)!;
            await using var warehouse = await CommonOptions.OpenWarehouseAsync(CommonOptions.DbPath(result, db, env), env, ct);
            var rows = await warehouse.ReadAllAsync(schema, null, ct);
            var full = Path.GetFullPath(path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            // Written beside the target and moved into place: a crash never leaves half a file.
            var temp = full + ".tmp";
            await using (var writer = new StreamWriter(temp, false, new UTF8Encoding(false)))
            {
                await CsvExport.WriteAsync(schema, rows, writer);
            }
            File.Move(temp, full, overwrite: true);
            await env.Out.WriteLineAsync($"exported {rows.Count} rows of {schema.Name} to {full}");
            return ExitCodes.Complete;
        });
        return command;
    }
}
