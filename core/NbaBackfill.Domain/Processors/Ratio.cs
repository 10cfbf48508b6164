namespace NbaBackfill.Processors;

/// <summary>Pooled ratios: Σnumerator / Σdenominator, null on a zero denominator (never an average of ratios).</summary>
public static class Ratio
{
    public static double? Of(double numerator, double denominator) => denominator == 0 ? null : numerator / denominator;

    public static double? Minus(double? a, double? b) => a is null || b is null ? null : a - b;
}
