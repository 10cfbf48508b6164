using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using NbaBackfill.Calendar;
using NbaBackfill.Planning;
using NbaBackfill.Processors;
using NbaBackfill.Raw;
using NbaBackfill.Tables;

namespace NbaBackfill.Versions;

/// <summary>
/// Everything staleness is decided from, read set-based once for a range and its season history (four reads, none per
/// node): the calendar (lookback edges), the raw versions and the node versions. The rules themselves are pure.
/// A node's inputs are exactly what it reads: its raw facts (<see cref="ProcessorDescriptor.RawInput"/>) and the output
/// versions of its planner edges (same-date upstream, transitively, and its PGS lookback dates).
/// </summary>
public sealed class VersionContext
{
    private readonly IReadOnlyDictionary<DateOnly, RawVersionRow> _raw;
    private readonly IReadOnlyDictionary<(ProcessorId, DateOnly), NodeVersionRow> _nodes;
    private readonly ConcurrentDictionary<(ProcessorId, DateOnly), (string Raw, string Upstream)> _fingerprints = new();

    public VersionContext(
        DateRange history, PlanningCalendar calendar, IReadOnlyList<RawGame> games, IEnumerable<RawVersionRow> raw, IEnumerable<NodeVersionRow> nodes,
        CodeVersions code)
    {
        History = history;
        Calendar = calendar;
        Games = games;
        Code = code;
        // Seasons never share a game date: the season of a date is the calendar's.
        _raw = raw.Where(r => calendar.SeasonOf.GetValueOrDefault(r.GameDate) == r.Season).ToDictionary(r => r.GameDate);
        _nodes = nodes.ToDictionary(n => (n.Processor, n.TargetDate));
    }

    /// <summary>What was read: the range and its season-to-date history (every date a lookback edge can reach).</summary>
    public DateRange History { get; }

    public PlanningCalendar Calendar { get; }

    public IReadOnlyList<RawGame> Games { get; }

    public CodeVersions Code { get; }

    public static async Task<VersionContext> ReadAsync(IWarehouseReader warehouse, DateRange range, CodeVersions code, CancellationToken ct)
    {
        var (history, games) = await Schedule.SeasonHistoryAsync(warehouse, range, ct);
        // The three reads of the history side by side, each on the pool (an adapter may answer on the caller's thread,
        // as DuckDB does, and they would follow one another): they are most of a daily run's per-activity reads.
        Task<IReadOnlyList<TRow>> OnPoolAsync<TRow>(TableSchema<TRow> table) => Task.Run(() => warehouse.ReadRowsAsync(table, history, ct), ct);
        var (players, raw, nodes) = (OnPoolAsync(PlayerGameKey.Table), OnPoolAsync(RawVersionRow.Table), OnPoolAsync(NodeVersionRow.Table));
        await Task.WhenAll(players, raw, nodes);
        return new VersionContext(history, CalendarOf(games, await players), games, await raw, await nodes, code);
    }

    // The calendar is a pure function of its two inputs, and both are immutable: while a history cache hands out the same
    // box-score keys (every activity of a run over the same season), the calendar built from them is reused with them.
    private static readonly ConditionalWeakTable<IReadOnlyList<PlayerGameKey>, BuiltCalendar> Calendars = new();

    private sealed record BuiltCalendar(IReadOnlyList<RawGame> Games, PlanningCalendar Calendar);

    private static PlanningCalendar CalendarOf(IReadOnlyList<RawGame> games, IReadOnlyList<PlayerGameKey> players)
    {
        if (Calendars.TryGetValue(players, out var built) && built.Games.SequenceEqual(games)) return built.Calendar;
        var calendar = new PlanningCalendar(games, players.Select(p => (p.Season, p.GameDate, p.PlayerId)));
        Calendars.AddOrUpdate(players, new BuiltCalendar(games, calendar));
        return calendar;
    }

    public bool IsGameDate(DateOnly date) => Calendar.IndexOf.ContainsKey(date);

    public NodeVersionRow? Recorded(ProcessorId processor, DateOnly date) => _nodes.GetValueOrDefault((processor, date));

    /// <summary>The raw dates a node reads and which of their versions (content or schedule).</summary>
    public IReadOnlyList<(DateOnly Date, bool Content)> RawInputs(ProcessorId processor, DateOnly date) => ProcessorRegistry.Default.Of(processor).RawInput switch
    {
        RawInput.DateContent => [(date, true)],
        RawInput.SeasonScheduleToDate => [.. Calendar.SeasonDatesBefore(date).Append(date).Select(d => (d, false))],
        _ => [],
    };

    /// <summary>The nodes whose output a node reads.</summary>
    public IReadOnlyList<(ProcessorId Processor, DateOnly Date)> UpstreamInputs(ProcessorId processor, DateOnly date) =>
        BackfillPlanner.DependenciesOf(processor, date, Calendar)
            .Concat(ProcessorIds.UpstreamClosure(processor).Select(u => (u, date)))
            .Distinct().OrderBy(n => n.Item1).ThenBy(n => n.Item2).ToList();

    /// <summary>
    /// What a node's inputs hash to, from this context's versions (asked when its staleness is decided and again when its
    /// version is recorded: the inputs are the same, so it is hashed once).
    /// </summary>
    public (string Raw, string Upstream) Fingerprint(ProcessorId processor, DateOnly date) =>
        _fingerprints.GetOrAdd((processor, date), key => Hash(key.Item1, key.Item2));

    private (string Raw, string Upstream) Hash(ProcessorId processor, DateOnly date)
    {
        var raw = ContentHash.OfLines(RawInputs(processor, date).Select(r =>
            $"{DateRange.Format(r.Date)} {(r.Content ? "content" : "schedule")} " +
            (_raw.TryGetValue(r.Date, out var v) ? (r.Content ? v.ContentVersion : v.ScheduleVersion) : "none")));
        var upstream = ContentHash.OfLines(UpstreamInputs(processor, date).Select(u =>
            $"{u.Processor} {DateRange.Format(u.Date)} {Recorded(u.Processor, u.Date)?.OutputVersion ?? "none"}"));
        return (raw, upstream);
    }

    /// <summary>Why a node must be computed again; empty when it is fresh.</summary>
    public IReadOnlyList<string> Reasons(ProcessorId processor, DateOnly date)
    {
        if (Recorded(processor, date) is not { } node) return ["never run"];
        if (node.OutputVersion == NodeVersionRow.Failed) return ["last run failed"];
        var reasons = new List<string>();
        var code = Code.Of(processor);
        if (node.CodeVersion != code) reasons.Add($"code {processor} {node.CodeVersion}→{code}");
        var (raw, upstream) = Fingerprint(processor, date);
        if (raw != node.RawFingerprint)
        {
            // Which inputs changed is told by when their versions changed; whether the node is stale, by the fingerprint.
            var changed = RawInputs(processor, date)
                .Where(r => !_raw.TryGetValue(r.Date, out var v) || v.ChangedAt > node.ComputedAt)
                .Select(r => $"raw {DateRange.Format(r.Date)} changed").ToList();
            reasons.AddRange(Named(changed, "raw inputs changed"));
        }
        if (upstream != node.UpstreamFingerprint)
        {
            var changed = UpstreamInputs(processor, date)
                .Where(u => Recorded(u.Processor, u.Date) is not { } v || v.ChangedAt > node.ComputedAt)
                .Select(u => $"upstream {u.Processor} {DateRange.Format(u.Date)} changed").ToList();
            reasons.AddRange(Named(changed, "upstream inputs changed"));
        }
        return reasons;
    }

    /// <summary>Every stale or never-run node of the processors on the game dates of the range, in DAG then date order.</summary>
    public IReadOnlyList<StaleNode> Stale(DateRange range, IEnumerable<ProcessorId> processors)
    {
        var dates = Calendar.Dates.Where(range.Contains).ToList();
        return processors.Distinct().Order()
            .SelectMany(p => dates.Select(d => new StaleNode(p, d, Reasons(p, d))))
            .Where(n => n.Reasons.Count > 0).ToList();
    }

    /// <summary>The version row of a node just computed to <paramref name="outputVersion"/>.</summary>
    public NodeVersionRow Record(ProcessorId processor, DateOnly date, string outputVersion, string runId, DateTimeOffset now)
    {
        var (raw, upstream) = Fingerprint(processor, date);
        var changedAt = Recorded(processor, date) is { } old && old.OutputVersion == outputVersion ? old.ChangedAt : now;
        return new NodeVersionRow(processor, date, Code.Of(processor), raw, upstream, outputVersion, runId, now, changedAt);
    }

    private static IEnumerable<string> Named(List<string> changed, string otherwise) =>
        changed.Count == 0 ? [otherwise] : changed.Count <= 3 ? changed : [.. changed.Take(3), $"and {changed.Count - 3} more"];
}
