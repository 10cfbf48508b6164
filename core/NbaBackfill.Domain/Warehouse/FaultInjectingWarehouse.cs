using NbaBackfill.Processors;
using NbaBackfill.Tables;

namespace NbaBackfill.Warehouse;

/// <summary>
/// A decorator that makes writes fail: transient errors at a seeded rate (off by default; for reliability proofs and
/// chaos runs), and optionally a permanent error chosen by a predicate. Reads are never disturbed.
/// </summary>
public sealed class FaultInjectingWarehouse(IWarehouse inner, double transientRate = 0, int seed = 0) : DelegatingWarehouse(inner)
{
    private readonly Random _random = new(seed);
    private readonly Lock _gate = new();

    /// <summary>A permanent failure for chosen outputs (tests of the stop/continue policies).</summary>
    public Func<ProcessorResult, Exception?>? PermanentFault { get; init; }

    public int InjectedTransientFaults { get; private set; }

    public override string Describe => Inner.Describe + (transientRate > 0 ? $" (faults {transientRate:P0}, seed {seed})" : "");

    private void MaybeFail(string operation)
    {
        if (transientRate <= 0) return;
        lock (_gate)
        {
            if (_random.NextDouble() >= transientRate) return;
            InjectedTransientFaults++;
        }
        throw new TransientWarehouseException($"injected transient fault in {operation}");
    }

    public override async Task ReplaceOutputAsync(ProcessorResult result, DateTimeOffset now, CancellationToken ct)
    {
        MaybeFailReplace(result);
        await Inner.ReplaceOutputAsync(result, now, ct);
    }

    public override async Task ReplaceOutputAsync(ProcessorResult result, DateTimeOffset now, Func<Task<IReadOnlyList<TableRows>>> then, CancellationToken ct)
    {
        MaybeFailReplace(result);
        await Inner.ReplaceOutputAsync(result, now, then, ct);
    }

    /// <summary>A replace fails as its permanent fault says, else perhaps transiently.</summary>
    private void MaybeFailReplace(ProcessorResult result)
    {
        if (PermanentFault?.Invoke(result) is { } e) throw e;
        MaybeFail($"replace {result.Processor}");
    }

    public override Task UpsertAsync(TableSchema table, IReadOnlyList<ITableRow> rows, CancellationToken ct)
    {
        MaybeFail($"upsert {table.Name}");
        return Inner.UpsertAsync(table, rows, ct);
    }

    // The decorated warehouse belongs to whoever created it.
    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
