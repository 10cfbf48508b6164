using System.Globalization;
using System.Text;
using System.Text.Json;
using NbaBackfill.Processors;

namespace NbaBackfill.Orchestration;

/// <summary>Where a finished run's reconciliation and failure summary go (a folder, or Azure Blob reports/{run-id}/).</summary>
public interface IRunReportSink
{
    string Describe { get; }

    Task WriteAsync(string runId, IReadOnlyDictionary<string, string> files, CancellationToken ct);
}

/// <summary>Renders a run's report files: reconciliation and failure summary, as JSON and CSV.</summary>
public static class RunReports
{
    /// <summary>The facts of one unresolved failure that the summary counts.</summary>
    public readonly record struct FailureFacts(ProcessorId ProcessorName, string FailureCategory, string FailureType, bool IsCorrectable);

    public static IReadOnlyDictionary<string, string> Render(BackfillOutcome outcome, IEnumerable<FailureFacts> failures)
    {
        var summary = failures
            .GroupBy(f => (f.ProcessorName, f.FailureCategory, f.FailureType, f.IsCorrectable))
            .OrderBy(g => g.Key.ProcessorName).ThenBy(g => g.Key.FailureCategory, StringComparer.Ordinal).ThenBy(g => g.Key.FailureType, StringComparer.Ordinal)
            .Select(g => new FailureSummaryLine(g.Key.ProcessorName.ToString(), g.Key.FailureCategory, g.Key.FailureType, g.Key.IsCorrectable, g.Count()))
            .ToList();
        var reconciliationCsv = new StringBuilder("processor,expected,has_record,has_failure,unaccounted,orphans,both,coverage\n");
        foreach (var r in outcome.Reconciliation)
        {
            reconciliationCsv.Append(CultureInfo.InvariantCulture, $"{r.Processor},{r.Expected},{r.HasRecord},{r.HasFailure},{r.Unaccounted},{r.Orphans},{r.Both},{r.Coverage.ToString("R", CultureInfo.InvariantCulture)}\n");
        }
        var failuresCsv = new StringBuilder("processor_name,failure_category,failure_type,is_correctable,count\n");
        foreach (var l in summary)
        {
            failuresCsv.Append(CultureInfo.InvariantCulture, $"{l.Processor},{l.Category},{l.FailureType},{(l.IsCorrectable ? "true" : "false")},{l.Count}\n");
        }
        var options = new JsonSerializerOptions { WriteIndented = true };
        return new Dictionary<string, string>
        {
            ["reconciliation.json"] = JsonSerializer.Serialize(new { outcome.RunId, outcome.Status, outcome.Reconciliation, outcome.Progress }, options),
            ["reconciliation.csv"] = reconciliationCsv.ToString(),
            ["failures.json"] = JsonSerializer.Serialize(summary, options),
            ["failures.csv"] = failuresCsv.ToString(),
        };
    }

    public sealed record FailureSummaryLine(string Processor, string Category, string FailureType, bool IsCorrectable, int Count);
}
