namespace NbaBackfill.Processors;

/// <summary>The six processors of the pipeline, in DAG order.</summary>
public enum ProcessorId
{
    PGS,
    PSZA,
    TDZA,
    PCF,
    PDC,
    MLFS,
}

/// <summary>The raw facts a processor reads itself.</summary>
public enum RawInput
{
    /// <summary>None: only upstream nodes.</summary>
    None,

    /// <summary>Every raw row of its date (PGS).</summary>
    DateContent,

    /// <summary>The season's schedule up to its date: games and which teams have box scores (DATA_GAP checks).</summary>
    SeasonScheduleToDate,
}

public static class ProcessorIds
{
    public static IReadOnlyList<ProcessorId> All { get; } = Enum.GetValues<ProcessorId>();

    /// <summary>Same-date upstream processors (the DAG's edges).</summary>
    public static IReadOnlyList<ProcessorId> Upstream(ProcessorId processor) => processor switch
    {
        ProcessorId.PGS => [],
        ProcessorId.PSZA => [ProcessorId.PGS],
        ProcessorId.TDZA => [ProcessorId.PGS],
        ProcessorId.PCF => [ProcessorId.PSZA, ProcessorId.TDZA],
        ProcessorId.PDC => [ProcessorId.PCF],
        ProcessorId.MLFS => [ProcessorId.PDC],
        _ => throw new ArgumentOutOfRangeException(nameof(processor)),
    };

    /// <summary>
    /// A processor's whole name ("PGS", any case): not Enum.TryParse, which takes "5" as MLFS and "PSZA,TDZA" as a flag
    /// combination (PCF).
    /// </summary>
    public static bool TryParse(string? text, out ProcessorId processor)
    {
        foreach (var p in All)
        {
            if (string.Equals(p.ToString(), text, StringComparison.OrdinalIgnoreCase))
            {
                processor = p;
                return true;
            }
        }
        processor = default;
        return false;
    }

    public static ProcessorId Parse(string text) =>
        TryParse(text, out var p)
            ? p
            : throw new FormatException($"unknown processor '{text}' (known: {string.Join(", ", All)})");

    /// <summary>Phase 3 (analytics) or Phase 4 (precompute): decides the failure table.</summary>
    public static bool IsAnalytics(ProcessorId processor) => processor == ProcessorId.PGS;

    /// <summary>The code version declared next to each processor's logic.</summary>
    public static int CodeVersion(ProcessorId processor) => processor switch
    {
        ProcessorId.PGS => PlayerGameSummaryProcessor.Version,
        ProcessorId.PSZA => PlayerShotZoneAnalysisProcessor.Version,
        ProcessorId.TDZA => TeamDefenseZoneAnalysisProcessor.Version,
        ProcessorId.PCF => PlayerCompositeFactorsProcessor.Version,
        ProcessorId.PDC => PlayerDailyCacheProcessor.Version,
        ProcessorId.MLFS => MlFeatureStoreProcessor.Version,
        _ => throw new ArgumentOutOfRangeException(nameof(processor)),
    };

    /// <summary>Which raw facts a node reads directly (beyond its upstream nodes).</summary>
    public static RawInput RawInputOf(ProcessorId processor) => processor switch
    {
        ProcessorId.PGS => RawInput.DateContent,
        ProcessorId.PSZA or ProcessorId.TDZA or ProcessorId.PDC => RawInput.SeasonScheduleToDate,
        _ => RawInput.None,
    };

    /// <summary>Every same-date processor a processor reads, directly or through its upstream.</summary>
    public static IReadOnlyList<ProcessorId> UpstreamClosure(ProcessorId processor) =>
        Upstream(processor).SelectMany(u => UpstreamClosure(u).Append(u)).Distinct().Order().ToList();

    public static bool IsTeamProcessor(ProcessorId processor) => processor == ProcessorId.TDZA;
}
