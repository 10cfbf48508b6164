using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace NbaBackfill.Versions;

/// <summary>
/// A short, stable hash of values (rows, version lists): every value written with a type tag and the invariant
/// culture, rows sorted, so the same content gives the same hash on every machine and warehouse.
/// </summary>
public static class ContentHash
{
    /// <summary>Hex characters kept: 64 bits, collisions irrelevant at the scale of a season's nodes.</summary>
    private const int Length = 16;

    private const char Separator = '\u001f';

    public static string Of(IEnumerable<object?[]> rows) => OfTagged(rows.Select(r => new TaggedValues(null, r, r.Length)));

    /// <summary>
    /// Of rows each preceded by a tag (written as a first string value) and cut to their first <c>Count</c> values:
    /// the same hash as <see cref="Of"/> of <c>[tag, ..values[..count]]</c>, without building those arrays.
    /// </summary>
    public static string OfTagged(IEnumerable<TaggedValues> rows)
    {
        // One builder for every line: the hash runs over every row a node writes, on the activity's hot path.
        var sb = new StringBuilder();
        var lines = new List<string>();
        foreach (var row in rows)
        {
            sb.Clear();
            if (row.Tag is not null) AppendValue(sb, row.Tag);
            for (var i = 0; i < row.Count; i++) AppendValue(sb, row.Values[i]);
            lines.Add(sb.ToString());
        }
        lines.Sort(StringComparer.Ordinal);
        return OfLines(lines);
    }

    /// <summary>Of lines already in their canonical order (a fingerprint's inputs).</summary>
    public static string OfLines(IEnumerable<string> lines)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            foreach (var line in lines)
            {
                var needed = Encoding.UTF8.GetMaxByteCount(line.Length) + 1;
                if (buffer.Length < needed)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(needed);
                }
                var length = Encoding.UTF8.GetBytes(line, buffer);
                buffer[length] = (byte)'\n';
                hash.AppendData(buffer, 0, length + 1);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..Length];
    }

    public static string OfText(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..Length];

    private static void AppendValue(StringBuilder sb, object? value)
    {
        var invariant = CultureInfo.InvariantCulture;
        switch (value)
        {
            case null:
                sb.Append("n:");
                break;
            case string s:
                sb.Append("s:");
                if (s.AsSpan().IndexOfAny('\\', Separator) < 0) sb.Append(s);
                else sb.Append(s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\u001f", "\\u", StringComparison.Ordinal));
                break;
            case bool b:
                sb.Append(b ? "b:1" : "b:0");
                break;
            case double d:
                sb.Append(invariant, $"d:{d:R}");
                break;
            case float f:
                sb.Append(invariant, $"d:{(double)f:R}");
                break;
            case DateOnly d:
                sb.Append(invariant, $"t:{d:yyyy-MM-dd}");
                break;
            case DateTimeOffset t:
                sb.Append(invariant, $"z:{t.UtcTicks}");
                break;
            case double?[] a:
                sb.Append("a:");
                for (var i = 0; i < a.Length; i++)
                {
                    if (i > 0) sb.Append(',');
                    if (a[i] is { } x) sb.Append(invariant, $"{x:R}");
                    else sb.Append('n');
                }
                break;
            case string[] a:
                sb.Append("a:");
                for (var i = 0; i < a.Length; i++)
                {
                    if (i > 0) sb.Append(',');
                    sb.Append(a[i].Replace(",", "\\,", StringComparison.Ordinal));
                }
                break;
            case IFormattable f:
                sb.Append("i:").Append(f.ToString(null, invariant));
                break;
            default:
                sb.Append("o:").Append(value);
                break;
        }
        sb.Append(Separator);
    }
}

/// <summary>One row for <see cref="ContentHash.OfTagged"/>: an optional tag and the first <see cref="Count"/> values.</summary>
public readonly record struct TaggedValues(string? Tag, object?[] Values, int Count);
