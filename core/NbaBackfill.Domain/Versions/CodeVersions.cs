using NbaBackfill.Processors;

namespace NbaBackfill.Versions;

/// <summary>The code version of each processor a run computes with: the declared ones, or overrides (tests, canaries).</summary>
public sealed record CodeVersions(IReadOnlyDictionary<ProcessorId, int> Versions)
{
    public static CodeVersions Declared { get; } = new(ProcessorIds.All.ToDictionary(p => p, ProcessorIds.CodeVersion));

    public int Of(ProcessorId processor) => Versions[processor];

    public CodeVersions With(ProcessorId processor, int version) =>
        new(Versions.ToDictionary(kv => kv.Key, kv => kv.Key == processor ? version : kv.Value));
}
