using System.CommandLine;
using NbaBackfill.Api;
using NbaBackfill.Calendar;
using NbaBackfill.Processors;
using NbaBackfill.Warehouse;

namespace NbaBackfill.Cli;

/// <summary>Options shared by several commands, and their validation.</summary>
internal static class CommonOptions
{
    public const string DefaultDb = ".nba/warehouse.duckdb";

    public static Option<string?> Db() => new("--db")
    {
        Description = $"the warehouse: a DuckDB file, or bigquery://PROJECT/DATASET (default: $NBA_DB or {DefaultDb})",
    };

    public static Option<string> From(bool required = true) => new("--from") { Description = "first date, YYYY-MM-DD", Required = required };

    public static Option<string> To(bool required = true) => new("--to") { Description = "last date, YYYY-MM-DD (inclusive)", Required = required };

    public static Option<bool> Json() => new("--json") { Description = "machine-readable JSON output" };

    public static string DbPath(ParseResult result, Option<string?> db, CliEnvironment env) =>
        result.GetValue(db) ?? env.Variable("NBA_DB") ?? DefaultDb;

    public static async Task<IWarehouse> OpenWarehouseAsync(string target, CliEnvironment env, CancellationToken ct)
    {
        try
        {
            // BigQuery is shared with other writers (the Functions app); a DuckDB file is this process's alone (one
            // process per file), so caching its history reads is safe.
            var warehouse = await WarehouseConnector.OpenTargetAsync(target, env.Variable, env.Time, ct);
            return WarehouseConnector.IsBigQuery(target) ? warehouse : new CachingWarehouse(warehouse);
        }
        catch (Exception e) when (e is WarehouseException or ArgumentException)
        {
            throw new UsageException(e.Message);
        }
    }

    /// <summary>Where local files of a warehouse live (landing, reports, the API token): next to a DuckDB file, or .nba/.</summary>
    public static string WorkDir(string target) =>
        Path.GetDirectoryName(Path.GetFullPath(WarehouseConnector.IsBigQuery(target) ? DefaultDb : target))!;

    public static DateOnly ParseDate(string? text, string option)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new UsageException($"{option} is required (YYYY-MM-DD)");
        return DateRange.TryParseDate(text, out var date, out var error) ? date : throw new UsageException($"{option}: {error}");
    }

    public static DateRange Range(ParseResult result, Option<string> from, Option<string> to)
    {
        var f = ParseDate(result.GetValue(from), "--from");
        var t = ParseDate(result.GetValue(to), "--to");
        if (t < f) throw new UsageException($"--to {DateRange.Format(t)} is before --from {DateRange.Format(f)}");
        return new DateRange(f, t);
    }

    public static ProcessorId Processor(string? text)
    {
        if (text is null || !ProcessorIds.TryParse(text, out var p))
            throw new UsageException($"unknown processor '{text}' (known: {string.Join(", ", ProcessorIds.All)})");
        return p;
    }

    public static IReadOnlyList<ProcessorId> Processors(string? list) =>
        string.IsNullOrWhiteSpace(list)
            ? ProcessorIds.All
            : list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Processor).Distinct().Order().ToList();

    /// <summary>--season, checked before anything is opened: it names folders and Blob prefixes.</summary>
    public static string? Season(ParseResult result, Option<string?> season) =>
        result.GetValue(season) is { } value ? Validation.Identifiers.RequireSeason(value, "--season: ") : null;

    public static string LandingRoot(string dbPath) => Path.Combine(WorkDir(dbPath), "landing");
}
