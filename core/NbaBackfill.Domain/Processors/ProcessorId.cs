using System.Text.Json;
using System.Text.Json.Serialization;

namespace NbaBackfill.Processors;

/// <summary>
/// A processor's name ("PGS"): an open set, so a new processor is a new descriptor, not a new enum member. Ordered by
/// DAG position in the default registry (its topological order), then by name; serialised as its name.
/// </summary>
[JsonConverter(typeof(ProcessorIdJsonConverter))]
public readonly record struct ProcessorId : IComparable<ProcessorId>
{
    public ProcessorId(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    public string Name { get; }

    // The six of this pipeline, named once for the processors that refer to each other (PCF explains PSZA's gaps).
    public static ProcessorId PGS { get; } = new("PGS");
    public static ProcessorId PSZA { get; } = new("PSZA");
    public static ProcessorId TDZA { get; } = new("TDZA");
    public static ProcessorId PCF { get; } = new("PCF");
    public static ProcessorId PDC { get; } = new("PDC");
    public static ProcessorId MLFS { get; } = new("MLFS");

    public int CompareTo(ProcessorId other)
    {
        var (a, b) = (ProcessorRegistry.Default.RankOf(this), ProcessorRegistry.Default.RankOf(other));
        return a != b ? a.CompareTo(b) : string.CompareOrdinal(Name, other.Name);
    }

    public static bool operator <(ProcessorId left, ProcessorId right) => left.CompareTo(right) < 0;

    public static bool operator >(ProcessorId left, ProcessorId right) => left.CompareTo(right) > 0;

    public static bool operator <=(ProcessorId left, ProcessorId right) => left.CompareTo(right) <= 0;

    public static bool operator >=(ProcessorId left, ProcessorId right) => left.CompareTo(right) >= 0;

    public override string ToString() => Name ?? "";
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

/// <summary>The default registry's processors by id: the names the rest of the code reads.</summary>
public static class ProcessorIds
{
    /// <summary>Every processor, in DAG (topological) order.</summary>
    public static IReadOnlyList<ProcessorId> All => ProcessorRegistry.Default.Ids;

    public static bool TryParse(string? text, out ProcessorId processor) => ProcessorRegistry.Default.TryParse(text, out processor);

    public static ProcessorId Parse(string text) =>
        TryParse(text, out var p)
            ? p
            : throw new FormatException($"unknown processor '{text}' (known: {string.Join(", ", All)})");

    /// <summary>
    /// A processor name read from a table (one the pipeline wrote). Null only while a table declaration is being recorded
    /// (see <see cref="Tables.Columns{TRow}"/>), when a placeholder is all it needs.
    /// </summary>
    public static ProcessorId ParseStored(string? stored) => stored is null ? default : Parse(stored);

    /// <summary>Same-date upstream processors (the DAG's edges).</summary>
    public static IReadOnlyList<ProcessorId> Upstream(ProcessorId processor) => ProcessorRegistry.Default.Of(processor).Upstream;

    /// <summary>The code version declared next to each processor's logic.</summary>
    public static int CodeVersion(ProcessorId processor) => ProcessorRegistry.Default.Of(processor).Version;

    /// <summary>Every same-date processor a processor reads, directly or through its upstream.</summary>
    public static IReadOnlyList<ProcessorId> UpstreamClosure(ProcessorId processor) => ProcessorRegistry.Default.UpstreamClosure(processor);
}

/// <summary>Reads and writes a <see cref="ProcessorId"/> as its name, also as a dictionary key.</summary>
public sealed class ProcessorIdJsonConverter : JsonConverter<ProcessorId>
{
    public override ProcessorId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        new(reader.GetString() ?? throw new JsonException("a processor name is required"));

    public override void Write(Utf8JsonWriter writer, ProcessorId value, JsonSerializerOptions options) => writer.WriteStringValue(value.Name);

    public override ProcessorId ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Read(ref reader, typeToConvert, options);

    public override void WriteAsPropertyName(Utf8JsonWriter writer, ProcessorId value, JsonSerializerOptions options) =>
        writer.WritePropertyName(value.Name);
}
