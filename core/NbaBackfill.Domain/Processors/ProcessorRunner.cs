using NbaBackfill.Calendar;
using NbaBackfill.Failures;
using NbaBackfill.Warehouse;

namespace NbaBackfill.Processors;

/// <summary>Runs one processor over a date range: one read, one set-based computation, one atomic replace.</summary>
public static class ProcessorRunner
{
    public static async Task<ProcessorResult> ComputeAsync(
        ProcessorId processor, IWarehouseReader warehouse, DateRange range, RunStamp stamp, CancellationToken ct) => processor switch
        {
            ProcessorId.PGS => PlayerGameSummaryProcessor.Compute(await PlayerGameSummaryProcessor.ReadAsync(warehouse, range, ct), range, stamp),
            ProcessorId.PSZA => PlayerShotZoneAnalysisProcessor.Compute(await PlayerShotZoneAnalysisProcessor.ReadAsync(warehouse, range, ct), range, stamp),
            ProcessorId.TDZA => TeamDefenseZoneAnalysisProcessor.Compute(await TeamDefenseZoneAnalysisProcessor.ReadAsync(warehouse, range, ct), range, stamp),
            ProcessorId.PCF => PlayerCompositeFactorsProcessor.Compute(await PlayerCompositeFactorsProcessor.ReadAsync(warehouse, range, ct), range, stamp),
            ProcessorId.PDC => PlayerDailyCacheProcessor.Compute(await PlayerDailyCacheProcessor.ReadAsync(warehouse, range, ct), range, stamp),
            ProcessorId.MLFS => MlFeatureStoreProcessor.Compute(await MlFeatureStoreProcessor.ReadAsync(warehouse, range, ct), range, stamp),
            _ => throw new ArgumentOutOfRangeException(nameof(processor)),
        };

    public static async Task<ProcessorResult> RunAsync(
        ProcessorId processor, IWarehouse warehouse, DateRange range, RunStamp stamp, CancellationToken ct)
    {
        var result = await ComputeAsync(processor, warehouse, range, stamp, ct);
        await warehouse.ReplaceOutputAsync(result, stamp.CreatedAt, ct);
        return result;
    }
}
