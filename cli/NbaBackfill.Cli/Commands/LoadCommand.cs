using System.CommandLine;
using NbaBackfill.Landing;
using NbaBackfill.Raw;

namespace NbaBackfill.Cli.Commands;

/// <summary>load: validate a season folder, land it per game date, replace the season's raw tables.</summary>
internal static class LoadCommand
{
    public static Command Create(CliEnvironment env)
    {
        var seasonDir = new Option<string?>("--season-dir") { Description = "folder with teams.csv, games.csv, player_box_scores.csv [, player_shot_zones.csv]" };
        var fromLanding = new Option<string?>("--from-landing") { Description = "instead of --season-dir: load a landed season from 'blob' (Azure Blob) or 'local' (.nba/landing); needs --season" };
        var container = new Option<string>("--container") { Description = "blob landing container (default raw)", DefaultValueFactory = _ => "raw" };
        var storage = LandCommand.Storage();
        var season = new Option<string?>("--season") { Description = "season id to load under (default: the box scores' season column)" };
        var db = CommonOptions.Db();
        var from = CommonOptions.From(required: false);
        var to = CommonOptions.To(required: false);
        from.Description = "with --to: replace only the game dates from here (the rest of the season stays as loaded)";
        var command = new Command("load", "Load a season's raw files (Phase 2)") { seasonDir, season, db, fromLanding, container, storage, from, to };
        command.SetAction(async (result, ct) =>
        {
            var dir = result.GetValue(seasonDir);
            var landed = result.GetValue(fromLanding);
            if ((dir is null) == (landed is null)) throw new UsageException("give exactly one of --season-dir or --from-landing");
            if (dir is not null && !Directory.Exists(dir)) throw new UsageException($"--season-dir: folder '{dir}' does not exist");
            if (landed is not null && landed is not ("blob" or "local")) throw new UsageException($"--from-landing: '{landed}' is not blob or local");
            var seasonId = CommonOptions.Season(result, season);
            var dates = StaleCommand.OptionalRange(result, from, to);
            if (landed is not null && seasonId is null) throw new UsageException("--from-landing needs --season");
            var dbPath = CommonOptions.DbPath(result, db, env);
            IRawLanding? source = landed switch
            {
                "blob" => new BlobRawLanding(LandCommand.Container(result.GetValue(storage), result.GetValue(container)!, env)),
                "local" => new LocalFolderLanding(CommonOptions.LandingRoot(dbPath)),
                _ => null,
            };
            // Parsed (and so validated) before the warehouse is opened: bad input creates nothing.
            var raw = source is null ? new FolderRawSource(dir!) : source.OpenSeason(seasonId!);
            var parsed = SeasonParser.Parse(raw, seasonId);
            await using var warehouse = await CommonOptions.OpenWarehouseAsync(dbPath, env, ct);
            var landing = new LocalFolderLanding(CommonOptions.LandingRoot(dbPath));
            var summary = source is null
                ? await SeasonLoader.LoadParsedAsync(parsed, raw, Path.GetFullPath(dir!), warehouse, landing, env.Time, ct, dates)
                : await SeasonLoader.LoadParsedAsync(parsed, raw, source.Describe, warehouse, null, env.Time, ct, dates);
            await env.Out.WriteLineAsync((dates is { } only ? $"replaced {only} of " : "") +
                $"loaded season {summary.Season}: {summary.Teams} teams, {summary.Games} games ({summary.FirstDate:yyyy-MM-dd}..{summary.LastDate:yyyy-MM-dd}), " +
                $"{summary.BoxScores} box-score rows, {(summary.HasShotZones ? $"{summary.ShotZones} shot-zone rows" : "no shot zones")}, " +
                $"{summary.Rejects} rejected row(s) into {warehouse.Describe}" + (source is null ? $"; landed under {landing.Describe}" : $" from {source.Describe}"));
            foreach (var reject in summary.RejectDetails.Take(20))
            {
                await env.Out.WriteLineAsync($"  rejected {reject.SourceFile} line {reject.LineNumber}: {reject.Reason} (INVALID_INPUT for {reject.EntityType.ToLowerInvariant()} {reject.EntityId})");
            }
            if (summary.RejectDetails.Count > 20) await env.Out.WriteLineAsync($"  … and {summary.RejectDetails.Count - 20} more (see raw_rejects)");
            return ExitCodes.Complete;
        });
        return command;
    }
}
