using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NbaBackfill.Tables;

namespace NbaBackfill.Versions;

/// <summary>
/// A short, stable hash of values (rows, version lists): every value written with a type tag and the invariant
/// culture, rows sorted, so the same content gives the same hash on every machine and warehouse.
/// </summary>
public static class ContentHash
{
    /// <summary>Hex characters kept: 64 bits, collisions irrelevant at the scale of a season's nodes.</summary>
    internal const int Length = 16;

    public static string Of(IEnumerable<object?[]> rows) => OfTagged(rows.Select(r => new TaggedValues(null, r, r.Length)));

    /// <summary>
    /// Of rows each preceded by a tag (written as a first string value) and cut to their first <c>Count</c> values:
    /// the same hash as <see cref="Of"/> of <c>[tag, ..values[..count]]</c>, without building those arrays.
    /// </summary>
    public static string OfTagged(IEnumerable<TaggedValues> rows)
    {
        using var hasher = new ContentHasher();
        foreach (var row in rows)
        {
            hasher.BeginLine(row.Tag);
            for (var i = 0; i < row.Count; i++) hasher.Boxed(row.Values[i]);
            hasher.EndLine();
        }
        return hasher.Finish();
    }

    /// <summary>Of lines already in their canonical order (a fingerprint's inputs).</summary>
    public static string OfLines(IEnumerable<string> lines)
    {
        using var digest = new LineDigest();
        foreach (var line in lines) digest.Append(line);
        return digest.Hex();
    }

    public static string OfText(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..Length];

    /// <summary>SHA-256 of lines, each as its UTF-8 bytes and a newline, through one pooled buffer.</summary>
    internal sealed class LineDigest : IDisposable
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private byte[] _buffer = ArrayPool<byte>.Shared.Rent(4096);

        public void Append(ReadOnlySpan<char> line)
        {
            var needed = Encoding.UTF8.GetMaxByteCount(line.Length) + 1;
            if (_buffer.Length < needed)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = ArrayPool<byte>.Shared.Rent(needed);
            }
            var length = Encoding.UTF8.GetBytes(line, _buffer);
            _buffer[length] = (byte)'\n';
            _hash.AppendData(_buffer, 0, length + 1);
        }

        public string Hex() => Convert.ToHexStringLower(_hash.GetHashAndReset())[..Length];

        public void Dispose()
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
            _hash.Dispose();
        }
    }
}

/// <summary>One row for <see cref="ContentHash.OfTagged"/>: an optional tag and the first <see cref="Count"/> values.</summary>
public readonly record struct TaggedValues(string? Tag, object?[] Values, int Count);

/// <summary>
/// The content hash built a line (row) at a time: each value is written as its tag and invariant text into one pooled
/// character buffer, then the lines are sorted (ordinal) and hashed. Typed rows write through <see cref="IValueSink"/>
/// and so allocate nothing per value or per line (the floor hashes ~130k rows while it writes them).
/// </summary>
public sealed class ContentHasher : IValueSink, IDisposable
{
    private const char Separator = '\u001f';

    private char[] _chars = ArrayPool<char>.Shared.Rent(1 << 16);
    private int _length;
    private int _lineStart;
    private readonly List<(int Start, int Length)> _lines = [];

    public void BeginLine(string? tag)
    {
        _lineStart = _length;
        if (tag is not null) String(tag);
    }

    public void EndLine() => _lines.Add((_lineStart, _length - _lineStart));

    /// <summary>The hash of the lines so far, in ordinal order of their text (whatever order they came in).</summary>
    public string Finish()
    {
        var chars = _chars;
        _lines.Sort((a, b) => chars.AsSpan(a.Start, a.Length).SequenceCompareTo(chars.AsSpan(b.Start, b.Length)));
        using var digest = new ContentHash.LineDigest();
        foreach (var (start, length) in _lines) digest.Append(chars.AsSpan(start, length));
        return digest.Hex();
    }

    public void Dispose()
    {
        ArrayPool<char>.Shared.Return(_chars);
        _chars = [];
    }

    public void Null() => Tagged("n:");

    public void String(string value)
    {
        Append("s:");
        // The separator and the escape character are escaped, so no value can look like two.
        if (value.AsSpan().IndexOfAny('\\', Separator) < 0) Append(value);
        else
        {
            foreach (var c in value)
            {
                if (c == '\\') Append("\\\\");
                else if (c == Separator) Append("\\u");
                else Append(c);
            }
        }
        Append(Separator);
    }

    public void Int64(long value)
    {
        Append("i:");
        Format(value, default);
        Append(Separator);
    }

    public void Float64(double value)
    {
        Append("d:");
        Format(value, "R");
        Append(Separator);
    }

    public void Bool(bool value) => Tagged(value ? "b:1" : "b:0");

    public void Date(DateOnly value)
    {
        Append("t:");
        Format(value, "yyyy-MM-dd");
        Append(Separator);
    }

    public void Timestamp(DateTimeOffset value)
    {
        Append("z:");
        Format(value.UtcTicks, default);
        Append(Separator);
    }

    public void Float64s(IReadOnlyList<double> values)
    {
        Append("a:");
        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0) Append(',');
            Format(values[i], "R");
        }
        Append(Separator);
    }

    public void Strings(IReadOnlyList<string> values)
    {
        Append("a:");
        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0) Append(',');
            if (!values[i].Contains(',', StringComparison.Ordinal)) Append(values[i]);
            else
            {
                foreach (var c in values[i])
                {
                    if (c == ',') Append("\\,");
                    else Append(c);
                }
            }
        }
        Append(Separator);
    }

    /// <summary>A boxed value: the typed methods for the column types, and the few others a version list holds.</summary>
    public void Boxed(object? value)
    {
        if (this.TryWriteBoxed(value)) return;
        switch (value)
        {
            case float f: Float64(f); break;
            case double?[] a:
                Append("a:");
                for (var i = 0; i < a.Length; i++)
                {
                    if (i > 0) Append(',');
                    if (a[i] is { } x) Format(x, "R");
                    else Append('n');
                }
                Append(Separator);
                break;
            case IFormattable f: Tagged("i:" + f.ToString(null, CultureInfo.InvariantCulture)); break;
            default: Tagged("o:" + value); break;
        }
    }

    private void Tagged(string text)
    {
        Append(text);
        Append(Separator);
    }

    private void Format<T>(T value, ReadOnlySpan<char> format) where T : ISpanFormattable
    {
        int written;
        while (!value.TryFormat(_chars.AsSpan(_length), out written, format, CultureInfo.InvariantCulture)) Grow(64);
        _length += written;
    }

    private void Append(char c)
    {
        if (_length == _chars.Length) Grow(1);
        _chars[_length++] = c;
    }

    private void Append(string s)
    {
        if (_length + s.Length > _chars.Length) Grow(s.Length);
        s.CopyTo(_chars.AsSpan(_length));
        _length += s.Length;
    }

    private void Grow(int atLeast)
    {
        var bigger = ArrayPool<char>.Shared.Rent(Math.Max(_chars.Length * 2, _length + atLeast));
        _chars.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<char>.Shared.Return(_chars);
        _chars = bigger;
    }
}
