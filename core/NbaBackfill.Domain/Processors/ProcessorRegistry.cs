using System.Reflection;

namespace NbaBackfill.Processors;

/// <summary>
/// The processors of a pipeline, validated (unique names, known upstream, no cycle) and in topological order.
/// <see cref="Default"/> is every processor of this assembly: each declares a public static <c>Descriptor</c> in its
/// own file, so adding a processor is adding a file. Everything else iterates over a registry.
/// </summary>
public sealed class ProcessorRegistry
{
    private readonly Dictionary<ProcessorId, ProcessorDescriptor> _byId;
    private readonly Dictionary<ProcessorId, int> _rank;

    public ProcessorRegistry(IEnumerable<ProcessorDescriptor> descriptors)
    {
        var all = descriptors.ToList();
        _byId = new Dictionary<ProcessorId, ProcessorDescriptor>();
        foreach (var d in all)
        {
            if (!_byId.TryAdd(d.Id, d)) throw new ArgumentException($"processor {d.Id} is declared twice", nameof(descriptors));
        }
        foreach (var d in all)
        {
            var unknown = d.Upstream.Where(u => !_byId.ContainsKey(u)).ToList();
            if (unknown.Count > 0) throw new ArgumentException($"processor {d.Id} reads unknown {string.Join(", ", unknown)}", nameof(descriptors));
        }
        // Kahn's algorithm; ties in declaration-independent name order so the order never depends on discovery.
        var ordered = new List<ProcessorDescriptor>();
        var done = new HashSet<ProcessorId>();
        while (ordered.Count < all.Count)
        {
            var next = all.Where(d => !done.Contains(d.Id) && d.Upstream.All(done.Contains))
                .OrderBy(d => Depth(d), Comparer<int>.Default).ThenBy(d => d.Id.Name, StringComparer.Ordinal).FirstOrDefault()
                ?? throw new ArgumentException(
                    $"processors form a cycle: {string.Join(", ", all.Where(d => !done.Contains(d.Id)).Select(d => d.Id))}", nameof(descriptors));
            ordered.Add(next);
            done.Add(next.Id);
        }
        All = ordered;
        Ids = ordered.Select(d => d.Id).ToList();
        _rank = Ids.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i);

        int Depth(ProcessorDescriptor d) => d.Upstream.Count == 0 ? 0 : 1 + d.Upstream.Max(u => Depth(_byId[u]));
    }

    /// <summary>Every processor declared in this assembly.</summary>
    public static ProcessorRegistry Default { get; } = new(Discover(typeof(ProcessorRegistry).Assembly));

    /// <summary>Topological order: every processor after its upstream, shallower first, then by name.</summary>
    public IReadOnlyList<ProcessorDescriptor> All { get; }

    public IReadOnlyList<ProcessorId> Ids { get; }

    public ProcessorDescriptor Of(ProcessorId id) =>
        _byId.TryGetValue(id, out var d) ? d : throw new ArgumentOutOfRangeException(nameof(id), id, "unknown processor");

    /// <summary>Position in <see cref="All"/>; unknown processors sort after every known one.</summary>
    public int RankOf(ProcessorId id) => _rank.TryGetValue(id, out var r) ? r : int.MaxValue;

    /// <summary>A processor's whole name, any case ("pgs"); nothing else (no numbers, no lists).</summary>
    public bool TryParse(string? text, out ProcessorId processor)
    {
        foreach (var id in Ids)
        {
            if (string.Equals(id.Name, text, StringComparison.OrdinalIgnoreCase))
            {
                processor = id;
                return true;
            }
        }
        processor = default;
        return false;
    }

    /// <summary>Every same-date processor one reads, directly or through its upstream, in registry order.</summary>
    public IReadOnlyList<ProcessorId> UpstreamClosure(ProcessorId processor) =>
        Of(processor).Upstream.SelectMany(u => UpstreamClosure(u).Append(u)).Distinct().OrderBy(RankOf).ToList();

    /// <summary>A registry with more processors (a test's toy, a plugin).</summary>
    public ProcessorRegistry With(params ProcessorDescriptor[] more) => new([.. All, .. more]);

    /// <summary>The public static <c>Descriptor</c> property of every type in <paramref name="assembly"/> that has one.</summary>
    public static IEnumerable<ProcessorDescriptor> Discover(Assembly assembly) => assembly.GetTypes()
        .Select(t => t.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static))
        .Where(p => p?.PropertyType == typeof(ProcessorDescriptor))
        .Select(p => (ProcessorDescriptor)p!.GetValue(null)!);
}
