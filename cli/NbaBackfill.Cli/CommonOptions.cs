using System.CommandLine;
using NbaBackfill.Api;
using NbaBackfill.Calendar;
using NbaBackfill.Hosting;
using NbaBackfill.Processors;
using NbaBackfill.Validation;
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

    public static Option<DateOnly?> From(bool required = true) => DateOption("--from", "first date, YYYY-MM-DD", required);

    public static Option<DateOnly?> To(bool required = true) => DateOption("--to", "last date, YYYY-MM-DD (inclusive)", required);

    /// <summary>A YYYY-MM-DD option, parsed by the domain's one date rule (a parse error names the option).</summary>
    public static Option<DateOnly?> DateOption(string name, string description, bool required = false) => new(name)
    {
        Description = description,
        Required = required,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
            if (DateRange.TryParseDate(text, out var date, out var error)) return date;
            result.AddError($"{name}: {error}");
            return null;
        },
    };

    /// <summary>An option taking one of the domain's words (stop/continue, add/refuse) as its typed value.</summary>
    public static Option<T> WordOption<T>(string name, string description, IReadOnlyDictionary<string, T> words, T fallback) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => fallback,
        CustomParser = result =>
        {
            if (BackfillRules.TryParseName(words, result.Tokens.Count > 0 ? result.Tokens[0].Value : null, out var value, out var rule)) return value;
            result.AddError($"{name}: {rule}");
            return fallback;
        },
    };

    /// <summary>The option that carries a request field, for messages: <c>--max-parallel</c>.</summary>
    public static string Flag(RequestField field) =>
        "--" + string.Concat(field.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    /// <summary>Refuses the first broken rule as one line (exit 2).</summary>
    public static void Require(IReadOnlyList<RuleViolation> violations)
    {
        if (violations.Count > 0) throw new UsageException($"{Flag(violations[0].Field)}: {violations[0].Rule}");
    }

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

    public static DateRange Range(ParseResult result, Option<DateOnly?> from, Option<DateOnly?> to)
    {
        var f = result.GetValue(from) ?? throw new UsageException("--from is required (YYYY-MM-DD)");
        var t = result.GetValue(to) ?? throw new UsageException("--to is required (YYYY-MM-DD)");
        Require(BackfillRules.CheckRange(f, t));
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
