using System.CommandLine;
using Azure.Storage.Blobs;
using NbaBackfill.Landing;
using NbaBackfill.Raw;

namespace NbaBackfill.Cli.Commands;

/// <summary>land: validates a season folder and uploads it per game date to an Azure Blob container (raw landing zone).</summary>
internal static class LandCommand
{
    public static Option<string?> Storage() => new("--storage") { Description = "Azure Storage connection string (default: $NBA_STORAGE or UseDevelopmentStorage=true, i.e. Azurite)" };

    public static BlobContainerClient Container(string? storage, string container, CliEnvironment env)
    {
        if (!Validation.Identifiers.IsBlobContainer(container))
        {
            throw new UsageException($"--container: '{container}' is not a valid container name (3-63 lowercase letters, digits, hyphens)");
        }
        return new BlobContainerClient(storage ?? env.Variable("NBA_STORAGE") ?? "UseDevelopmentStorage=true", container);
    }

    public static Command Create(CliEnvironment env)
    {
        var seasonDir = new Option<string>("--season-dir") { Description = "season folder to land", Required = true };
        var container = new Option<string>("--container") { Description = "Blob container (default raw)", DefaultValueFactory = _ => "raw" };
        var season = new Option<string?>("--season") { Description = "season id (default: the box scores' season column)" };
        var storage = Storage();
        var from = CommonOptions.From(required: false);
        var to = CommonOptions.To(required: false);
        from.Description = "with --to: land only the game dates from here (a day's scrape, a correction)";
        var command = new Command("land", "Land a season's raw files per game date in Azure Blob Storage") { seasonDir, container, season, storage, from, to };
        command.SetAction(async (result, ct) =>
        {
            var dir = result.GetValue(seasonDir)!;
            if (!Directory.Exists(dir)) throw new UsageException($"--season-dir: folder '{dir}' does not exist");
            var seasonId = CommonOptions.Season(result, season);
            var dates = StaleCommand.OptionalRange(result, from, to);
            var landing = new BlobRawLanding(Container(result.GetValue(storage), result.GetValue(container)!, env));
            var source = new FolderRawSource(dir);
            var parsed = SeasonParser.Parse(source, seasonId);
            var files = SeasonSplitter.Split(source, parsed);
            if (dates is { } only) files = files.Within(only);
            await landing.LandAsync(files, ct);
            await env.Out.WriteLineAsync($"landed season {parsed.Season}: {files.PerDate.Count} date folder(s) under {landing.Describe}/raw/{parsed.Season}/ ({parsed.Rejects.Count} malformed row(s) landed as-is)");
            return ExitCodes.Complete;
        });
        return command;
    }
}
