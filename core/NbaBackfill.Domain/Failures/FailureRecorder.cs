using System.Globalization;
using System.Text.Json;
using NbaBackfill.Calendar;
using NbaBackfill.Processors;

namespace NbaBackfill.Failures;

/// <summary>
/// The shared failure library: every processor explains each missing row through these methods, so the categories,
/// failure types and correctability rules of the contract live in one place.
/// </summary>
public sealed class FailureRecorder(ProcessorId processor, RunStamp stamp)
{
    private readonly List<FailureRecord> _records = [];

    public IReadOnlyList<FailureRecord> Records => _records;

    public ProcessorId Processor => processor;

    /// <summary>
    /// Fewer games than the processor's minimum: a season bootstrap (INSUFFICIENT_HISTORY, permanent), unless the
    /// team has scheduled games before D with no raw rows at all — then the shortfall may be a data gap, correctable
    /// by re-ingesting, and it is typed DATA_GAP with those games listed.
    /// </summary>
    public void InsufficientData(
        DateOnly date, string entityId, string entityType, int required, int actual,
        IReadOnlyList<(string GameId, DateOnly Date)>? gapGames = null)
    {
        if (gapGames is { Count: > 0 })
        {
            Add(date, entityId, entityType, FailureCategory.InsufficientData,
                $"{actual} games before {Iso(date)}, {required} required; {gapGames.Count} team game(s) have no raw rows",
                canRetry: true, FailureType.DataGap, isCorrectable: true, expected: required, actual: actual,
                missingIds: Json(gapGames.Select(g => g.GameId)), missingDates: Json(gapGames.Select(g => Iso(g.Date))), rawChecked: true);
            return;
        }
        Add(date, entityId, entityType, FailureCategory.InsufficientData,
            $"{actual} games before {Iso(date)}, {required} required", canRetry: false, FailureType.InsufficientHistory,
            isCorrectable: false, expected: required, actual: actual, rawChecked: gapGames is not null);
    }

    public void NoShotZone(DateOnly date, string entityId, int gamesInWindow) =>
        Add(date, entityId, EntityType.Player, FailureCategory.NoShotZone,
            $"zero field-goal attempts in the last {gamesInWindow} games", canRetry: false, FailureType.InsufficientHistory,
            isCorrectable: false, expected: gamesInWindow, actual: gamesInWindow);

    public void InvalidInput(DateOnly date, string entityId, string entityType, string reason) =>
        Add(date, entityId, entityType, FailureCategory.InvalidInput, reason, canRetry: true, FailureType.DataGap,
            isCorrectable: true, rawChecked: true);

    /// <summary>The upstream entity has a failure record: this entity inherits its type and correctability.</summary>
    public void MissingUpstream(DateOnly date, string entityId, string entityType, FailureRecord upstream) =>
        Add(date, entityId, entityType, FailureCategory.MissingUpstream,
            $"{upstream.ProcessorName} has no row for {upstream.EntityType.ToLowerInvariant()} {upstream.EntityId}: {upstream.FailureCategory}",
            upstream.CanRetry, upstream.FailureType, upstream.IsCorrectable, upstream.ExpectedGameCount, upstream.ActualGameCount,
            upstream.MissingGameIds, upstream.MissingGameDates, upstream.RawDataChecked);

    /// <summary>The upstream row is absent and nothing explains why: a bug to investigate, never silent.</summary>
    public void MissingUpstreamUnexplained(DateOnly date, string entityId, string entityType, ProcessorId upstream, string upstreamEntity) =>
        Add(date, entityId, entityType, FailureCategory.MissingUpstream,
            $"{upstream} has no row and no failure for {upstreamEntity}", canRetry: true, FailureType.Unknown, isCorrectable: true);

    public void IncompleteData(DateOnly date, string entityId, CompletenessVerdict verdict) =>
        Add(date, entityId, EntityType.Player, FailureCategory.IncompleteData,
            string.Create(CultureInfo.InvariantCulture,
                $"completeness {verdict.Completeness:0.###} < {CompletenessVerdict.Threshold}: {verdict.ActualGames} of {verdict.ExpectedGames} team games in the last 14 days"),
            canRetry: verdict.FailureType != FailureType.PlayerDnp, verdict.FailureType,
            isCorrectable: verdict.FailureType != FailureType.PlayerDnp, verdict.ExpectedGames, verdict.ActualGames,
            Json(verdict.MissingGameIds), Json(verdict.MissingGameDates.Select(Iso)), rawChecked: true);

    /// <summary>An upstream node of this date failed or is blocked: the whole node could not run.</summary>
    public void MissingDependencies(DateOnly date, string entityId, string entityType, string reason) =>
        Add(date, entityId, entityType, FailureCategory.MissingDependencies, reason, canRetry: true, FailureType.DataGap,
            isCorrectable: true);

    public void ProcessingError(DateOnly date, string entityId, string entityType, string reason) =>
        Add(date, entityId, entityType, FailureCategory.ProcessingError, reason, canRetry: true, FailureType.ProcessingError,
            isCorrectable: true);

    private void Add(
        DateOnly date, string entityId, string entityType, string category, string reason, bool canRetry, string failureType,
        bool isCorrectable, int? expected = null, int? actual = null, string? missingIds = null, string? missingDates = null,
        bool rawChecked = false) =>
        _records.Add(new FailureRecord(
            processor, date, entityId, entityType, category, reason, canRetry, missingIds, failureType, isCorrectable, expected,
            actual, missingDates, rawChecked, ResolutionStatus.Unresolved, null, stamp.RunId, stamp.CreatedAt));

    private static string Iso(DateOnly d) => DateRange.Format(d);

    private static string Json(IEnumerable<string> values) => JsonSerializer.Serialize(values);
}

/// <summary>PDC's completeness verdict, with the PLAYER_DNP / DATA_GAP / MIXED classification.</summary>
public sealed record CompletenessVerdict(
    int ExpectedGames, int ActualGames, double Completeness, IReadOnlyList<string> MissingGameIds,
    IReadOnlyList<DateOnly> MissingGameDates, string FailureType)
{
    public const double Threshold = 0.9;

    public bool Passes => Completeness >= Threshold;

    /// <summary>The share of the team's games in the window that the player played (1 when the team played none).</summary>
    public static double CompletenessOf(int teamGamesInWindow, int playerGamesInWindow) =>
        teamGamesInWindow == 0 ? 1.0 : Math.Min(1.0, (double)playerGamesInWindow / teamGamesInWindow);

    /// <param name="teamGamesInWindow">The team's scheduled games in the window (id, date).</param>
    /// <param name="playerGamesInWindow">How many games of the window the player has a row in.</param>
    /// <param name="playerPlayed">Whether the player has a row in a game.</param>
    /// <param name="teamHasRawRows">Whether raw box-score rows of that team exist for a game.</param>
    public static CompletenessVerdict Evaluate(
        ReadOnlySpan<(string GameId, DateOnly Date)> teamGamesInWindow, int playerGamesInWindow,
        Func<string, bool> playerPlayed, Func<string, bool> teamHasRawRows)
    {
        var missing = new List<(string GameId, DateOnly Date)>();
        foreach (var g in teamGamesInWindow)
        {
            if (!playerPlayed(g.GameId)) missing.Add(g);
        }
        // (date, game) is unique in a schedule: an unstable sort gives the one order.
        missing.Sort((a, b) => a.Date != b.Date ? a.Date.CompareTo(b.Date) : string.CompareOrdinal(a.GameId, b.GameId));
        var sat = missing.Count(g => teamHasRawRows(g.GameId));
        var type = missing.Count == 0 ? Failures.FailureType.Unknown
            : sat == missing.Count ? Failures.FailureType.PlayerDnp
            : sat == 0 ? Failures.FailureType.DataGap
            : Failures.FailureType.Mixed;
        return new CompletenessVerdict(teamGamesInWindow.Length, playerGamesInWindow, CompletenessOf(teamGamesInWindow.Length, playerGamesInWindow),
            missing.Select(g => g.GameId).ToList(), missing.Select(g => g.Date).ToList(), type);
    }
}
