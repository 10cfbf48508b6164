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

    public static string Of(IEnumerable<object?[]> rows)
    {
        var lines = rows.Select(Line).ToList();
        lines.Sort(StringComparer.Ordinal);
        return OfLines(lines);
    }

    /// <summary>Of lines already in their canonical order (a fingerprint's inputs).</summary>
    public static string OfLines(IEnumerable<string> lines)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var line in lines)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(line));
            hash.AppendData("\n"u8);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..Length];
    }

    public static string OfText(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..Length];

    private static string Line(object?[] values)
    {
        var sb = new StringBuilder();
        foreach (var v in values)
        {
            sb.Append(v switch
            {
                null => "n:",
                string s => "s:" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\u001f", "\\u", StringComparison.Ordinal),
                bool b => b ? "b:1" : "b:0",
                double d => "d:" + d.ToString("R", CultureInfo.InvariantCulture),
                float f => "d:" + ((double)f).ToString("R", CultureInfo.InvariantCulture),
                DateOnly d => "t:" + d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                DateTimeOffset t => "z:" + t.UtcTicks.ToString(CultureInfo.InvariantCulture),
                double?[] a => "a:" + string.Join(",", a.Select(x => x?.ToString("R", CultureInfo.InvariantCulture) ?? "n")),
                string[] a => "a:" + string.Join(",", a.Select(x => x.Replace(",", "\\,", StringComparison.Ordinal))),
                IFormattable f => "i:" + f.ToString(null, CultureInfo.InvariantCulture),
                _ => "o:" + v,
            });
            sb.Append('\u001f');
        }
        return sb.ToString();
    }
}
