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

    public static DateOnly ParseDate(string text)
    {
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            throw new FormatException($"'{text}' is not a date in YYYY-MM-DD form");
        }
        return date;
    }

    public static string Format(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public override string ToString() => $"{Format(From)}..{Format(To)}";
}
