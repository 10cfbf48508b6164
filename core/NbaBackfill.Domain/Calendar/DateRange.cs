using System.Globalization;

namespace NbaBackfill.Calendar;

/// <summary>An inclusive range of calendar dates.</summary>
public readonly record struct DateRange
{
    public DateRange(DateOnly from, DateOnly to)
    {
        if (to < from)
        {
            throw new ArgumentException($"end date {Format(to)} is before start date {Format(from)}");
        }
        From = from;
        To = to;
    }

    public DateOnly From { get; }
    public DateOnly To { get; }

    public static DateRange Single(DateOnly date) => new(date, date);

    public int Days => To.DayNumber - From.DayNumber + 1;

    public bool Contains(DateOnly date) => date >= From && date <= To;

    public IEnumerable<DateOnly> Dates()
    {
        for (var d = From; d <= To; d = d.AddDays(1))
        {
            yield return d;
        }
    }

    /// <summary>The range widened backwards far enough to hold a whole season's history before <see cref="To"/>.</summary>
    public DateRange WithSeasonHistory() => new(From.AddDays(-366), To);

    /// <summary>The dates the product accepts from outside: the NBA's first season to a far but finite future.</summary>
    public static DateOnly Earliest { get; } = new(1946, 1, 1);

    public static DateOnly Latest { get; } = new(2100, 12, 31);

    public static DateOnly ParseDate(string text) =>
        TryParseDate(text, out var date, out var error) ? date : throw new FormatException(error);

    /// <summary>A YYYY-MM-DD date within <see cref="Earliest"/>..<see cref="Latest"/>; the error says which rule failed.</summary>
    public static bool TryParseDate(string? text, out DateOnly date, out string error)
    {
        error = "";
        if (!DateOnly.TryParseExact(text, IsoFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            error = $"not a date in YYYY-MM-DD form: {Validation.Identifiers.Quote(text)}";
            return false;
        }
        if (date < Earliest || date > Latest)
        {
            error = $"outside {Format(Earliest)}..{Format(Latest)}: {Format(date)}";
            return false;
        }
        return true;
    }

    public static string Format(DateOnly date) => date.ToString(IsoFormat, CultureInfo.InvariantCulture);

    /// <summary>The one date form of the product: files, CSV, JSON, options, messages.</summary>
    public const string IsoFormat = "yyyy-MM-dd";

    public override string ToString() => $"{Format(From)}..{Format(To)}";
}
