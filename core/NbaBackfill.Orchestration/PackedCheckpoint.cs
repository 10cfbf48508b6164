using System.IO.Compression;
using System.Text.Json;
using NbaBackfill.Planning;

namespace NbaBackfill.Orchestration;

/// <summary>
/// The plan and its state as they travel through orchestration state (activity output, ContinueAsNew input): JSON,
/// Brotli-compressed, base64. A 20-season plan is ~20,000 nodes whose lookback lists make ~4 MB of JSON, over the
/// durable backends' ~4 MB per-message limit; packed it is a small fraction of that. Deterministic for a given input.
/// </summary>
public static class PackedCheckpoint
{
    /// <summary>Over this, a message would stall or be refused by the backend: fail loudly instead.</summary>
    public const int MaxPackedChars = 3_000_000;

    public static string Pack<T>(T value)
    {
        using var buffer = new MemoryStream();
        using (var brotli = new BrotliStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            JsonSerializer.Serialize(brotli, value);
        }
        var packed = Convert.ToBase64String(buffer.GetBuffer(), 0, (int)buffer.Length);
        if (packed.Length > MaxPackedChars)
        {
            throw new InvalidOperationException(
                $"the packed {typeof(T).Name} is {packed.Length:N0} characters, over the {MaxPackedChars:N0} a durable message may carry: backfill a shorter range per run");
        }
        return packed;
    }

    public static T Unpack<T>(string packed)
    {
        using var brotli = new BrotliStream(new MemoryStream(Convert.FromBase64String(packed)), CompressionMode.Decompress);
        return JsonSerializer.Deserialize<T>(brotli) ?? throw new InvalidOperationException($"an empty packed {typeof(T).Name}");
    }

    // The orchestrator replays from its start on every event, and each replay unpacked its plan again: a season's run
    // unpacked it at every wave (~1 MB of arrays each time, measured among the run's allocations). Unpacking is a pure
    // function of the text and a plan is never changed once made, so the last few plans unpacked are handed out again
    // (compared by their text, not trusted by reference: each replay reads the text anew from its history).
    private static readonly Lock PlansGate = new();
    private static readonly LinkedList<(string Packed, BackfillPlan Plan)> Plans = [];
    // (A few: runs at once in one host each replay their own; a twenty-season plan unpacked is tens of megabytes.)
    private const int PlansKept = 2;

    /// <summary>A packed plan, unpacked once while it is among the last few asked for.</summary>
    public static BackfillPlan UnpackPlan(string packed)
    {
        lock (PlansGate)
        {
            for (var node = Plans.First; node is not null; node = node.Next)
            {
                if (!string.Equals(node.Value.Packed, packed, StringComparison.Ordinal)) continue;
                Plans.Remove(node);
                Plans.AddFirst(node);
                return node.Value.Plan;
            }
        }
        var plan = Unpack<BackfillPlan>(packed);
        lock (PlansGate)
        {
            Plans.AddFirst((packed, plan));
            while (Plans.Count > PlansKept) Plans.RemoveLast();
        }
        return plan;
    }
}

/// <summary>What an orchestration carries into its next episode: the plan and the per-node state.</summary>
public sealed record Checkpoint(BackfillPlan Plan, BackfillState State);
