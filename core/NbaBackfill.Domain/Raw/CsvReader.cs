using System.Text;

namespace NbaBackfill.Raw;

/// <summary>A small RFC 4180 reader: quoted fields, doubled quotes, commas and newlines inside quotes.</summary>
public static class CsvReader
{
    public sealed record CsvLine(int LineNumber, IReadOnlyList<string> Fields, string Text);

    public static IEnumerable<CsvLine> Read(TextReader reader)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var text = new StringBuilder();
        var lineNumber = 1;
        var startLine = 1;
        var inQuotes = false;
        var any = false;
        int c;
        while ((c = reader.Read()) != -1)
        {
            var ch = (char)c;
            if (inQuotes)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        field.Append('"');
                        text.Append("\"\"");
                        continue;
                    }
                    inQuotes = false;
                    text.Append(ch);
                    continue;
                }
                if (ch == '\n')
                {
                    lineNumber++;
                }
                field.Append(ch);
                text.Append(ch);
                continue;
            }
            switch (ch)
            {
                case '"':
                    inQuotes = true;
                    any = true;
                    text.Append(ch);
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    any = true;
                    text.Append(ch);
                    break;
                case '\r':
                    break;
                case '\n':
                    fields.Add(field.ToString());
                    if (any || fields.Count > 1 || fields[0].Length > 0)
                    {
                        yield return new CsvLine(startLine, fields.ToArray(), text.ToString());
                    }
                    fields.Clear();
                    field.Clear();
                    text.Clear();
                    any = false;
                    lineNumber++;
                    startLine = lineNumber;
                    break;
                default:
                    field.Append(ch);
                    any = true;
                    text.Append(ch);
                    break;
            }
        }
        if (any || field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            yield return new CsvLine(startLine, fields.ToArray(), text.ToString());
        }
    }

    /// <summary>Quotes a field only where RFC 4180 needs it.</summary>
    public static string Escape(string value) =>
        value.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
