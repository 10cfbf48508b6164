using System.CommandLine;
using NbaBackfill.Tables;
using NbaBackfill.Warehouse.BigQuery;

namespace NbaBackfill.Cli.Commands;

/// <summary>schemas: writes the BigQuery schema files of every table (infra/bigquery/) from the declarations in code.</summary>
internal static class SchemasCommand
{
    public static Command Create(CliEnvironment env)
    {
        var output = new Option<string>("--out") { Description = "folder (default infra/bigquery)", DefaultValueFactory = _ => Path.Combine("infra", "bigquery") };
        var command = new Command("schemas", "Write the BigQuery JSON schema files of every table") { output };
        command.SetAction(async (result, ct) =>
        {
            var dir = result.GetValue(output)!;
            Directory.CreateDirectory(dir);
            foreach (var table in TableCatalog.All)
            {
                await File.WriteAllTextAsync(Path.Combine(dir, table.Name + ".json"), BigQuerySchemas.File(table), ct);
            }
            await env.Out.WriteLineAsync($"wrote {TableCatalog.All.Count} schema files to {Path.GetFullPath(dir)}");
            return ExitCodes.Complete;
        });
        return command;
    }
}
