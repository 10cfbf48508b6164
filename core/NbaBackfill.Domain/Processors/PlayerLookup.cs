using System.Globalization;
using System.Text;

namespace NbaBackfill.Processors;

public static class PlayerLookup
{
    /// <summary>"Nikola Jokić" → "nikolajokic": lower-cased, diacritics folded, letters and digits only.</summary>
    public static string Normalize(string name)
    {
        var decomposed = name.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (var ch in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(ch) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }
            var lower = char.ToLowerInvariant(ch);
            if (lower is >= 'a' and <= 'z' or >= '0' and <= '9')
            {
                sb.Append(lower);
            }
        }
        return sb.ToString();
    }
}
