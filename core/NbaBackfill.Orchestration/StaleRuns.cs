using System.Globalization;
using NbaBackfill.Calendar;
using NbaBackfill.Planning;
using NbaBackfill.Processors;
using NbaBackfill.Raw;
using NbaBackfill.Tables;
using NbaBackfill.Versions;
using NbaBackfill.Warehouse;

namespace NbaBackfill.Orchestration;

/// <summary>What is stale in a warehouse, and the run that brings it up to date (the CLI, the API and the daily tick).</summary>
public static class StaleRuns
{
    /// <summary>The game dates of every loaded season (null: nothing loaded).</summary>
    public static async Task<DateRange?> LoadedRangeAsync(IWarehouse warehouse, CancellationToken ct)
    {
        var seasons = (await warehouse.ReadAllAsync(TableCatalog.RawSeasons, null, ct)).Select(r => RawSeasonRow.From(new Row(r)))
            .Where(r => r.HasGames).ToList();
        return seasons.Count == 0 ? null : new DateRange(seasons.Min(r => r.FirstGameDate), seasons.Max(r => r.LastGameDate));
    }

    public static async Task<IReadOnlyList<StaleNode>> FindAsync(
        IWarehouse warehouse, DateRange range, IReadOnlyList<ProcessorId> processors, CodeVersions code, CancellationToken ct) =>
        (await VersionContext.ReadAsync(warehouse, range, code, ct)).Stale(range, processors);

    /// <summary>
    /// The range's stale nodes, the version context they were found in, and the request that computes them and checks
    /// what reads them (null: nothing is stale): one read of the calendar and versions serves all three.
    /// <paramref name="options"/> gives the processors, policy, parallelism and batch size.
    /// </summary>
    public static async Task<StaleScan> ScanAsync(IWarehouse warehouse, DateRange range, BackfillRequest options, CodeVersions code, CancellationToken ct)
    {
        var (full, versions) = await BackfillActivities.PlanWithVersionsAsync(warehouse,
            options with { From = range.From, To = range.To, Preflight = PreflightMode.Skip, Only = null, Force = false }, code, ct);
        var stale = versions.Stale(range, options.Processors);
        if (stale.Count == 0) return new StaleScan(versions, stale, null);
        var nodes = StalePlanning.StaleAndDownstream(full, stale);
        return new StaleScan(versions, stale, options with { From = nodes.Min(n => n.Date), To = nodes.Max(n => n.Date), Only = nodes, Force = false });
    }

    /// <summary>A run of stale nodes is named by its range and its node set: the same set resumes the same run.</summary>
    public static string RunId(BackfillRequest request) => string.Create(CultureInfo.InvariantCulture,
        $"stale-{request.From:yyyyMMdd}-{request.To:yyyyMMdd}-{ContentHash.OfLines((request.Only ?? []).Select(n => $"{n.Processor} {DateRange.Format(n.Date)}"))[..8]}");
}

/// <summary>What <see cref="StaleRuns.ScanAsync"/> found; <see cref="Request"/> is null when nothing is stale.</summary>
public sealed record StaleScan(VersionContext Versions, IReadOnlyList<StaleNode> Stale, BackfillRequest? Request);
