using NbaBackfill.Calendar;
using NbaBackfill.Failures;
using NbaBackfill.Planning;
using NbaBackfill.Raw;
using NbaBackfill.Reconciliation;
using NbaBackfill.Tables;

namespace NbaBackfill.Processors;

/// <summary>Which failure table a processor's failures go to.</summary>
public enum ProcessorPhase
{
    /// <summary>Phase 3: analytics_processor_failures.</summary>
    Analytics,

    /// <summary>Phase 4: precompute_processor_failures.</summary>
    Precompute,
}

/// <summary>
/// Everything the runner, the planner, versions and reconciliation know about one processor, declared in the
/// processor's own file next to its logic (a static <c>Descriptor</c> property, found by <see cref="ProcessorRegistry"/>).
/// </summary>
/// <param name="Id">Its name.</param>
/// <param name="Upstream">Same-date processors it reads (the DAG's edges).</param>
/// <param name="Output">The table it replaces, one partition per date.</param>
/// <param name="Version">Code version: bump it with any change to what it outputs (the golden test insists).</param>
/// <param name="Phase">Which failure table its failures go to.</param>
/// <param name="RawInput">The raw facts it reads itself (beyond its upstream nodes): part of its input fingerprint.</param>
/// <param name="Population">Who must get a row on each date (reconciliation).</param>
/// <param name="Compute">One set-based pass over a date range: read, compute, return rows and failures (no writes).</param>
/// <param name="Lookback">
/// The nodes of earlier dates that (this processor, date) reads: the planner's lookback edges and the version
/// fingerprint's inputs. Null: none.
/// </param>
/// <param name="BootstrapSkips">How many expected season-bootstrap skips a node has, known before it runs (dry runs).</param>
public sealed record ProcessorDescriptor(
    ProcessorId Id,
    IReadOnlyList<ProcessorId> Upstream,
    TableSchema Output,
    int Version,
    ProcessorPhase Phase,
    RawInput RawInput,
    Population Population,
    Func<IWarehouseReader, DateRange, RunStamp, CancellationToken, Task<ProcessorResult>> Compute,
    Func<DateOnly, PlanningCalendar, IEnumerable<(ProcessorId Processor, DateOnly Date)>>? Lookback = null,
    Func<DateOnly, ForecastContext, int>? BootstrapSkips = null)
{
    /// <summary>The output column naming the entity of a row (a player id, a team).</summary>
    public string EntityColumn => Population.EntityColumn;
}

/// <summary>What a bootstrap forecast can look at: the calendar, and the games by date and by team, indexed once.</summary>
public sealed class ForecastContext(PlanningCalendar calendar, IReadOnlyList<RawGame> games)
{
    public PlanningCalendar Calendar => calendar;

    public ILookup<(string Season, string Team), DateOnly> TeamGames { get; } =
        games.SelectMany(g => g.Teams.Select(t => (g.Season, Team: t, g.GameDate))).ToLookup(x => (x.Season, x.Team), x => x.GameDate);

    public ILookup<DateOnly, RawGame> GamesOn { get; } = games.ToLookup(g => g.GameDate);
}
