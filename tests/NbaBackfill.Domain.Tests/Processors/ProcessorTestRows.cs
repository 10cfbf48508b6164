using NbaBackfill.Failures;
using NbaBackfill.Processors;
using NbaBackfill.Tables;

namespace NbaBackfill.Domain.Tests.Processors;

/// <summary>Typed look-ups into a warehouse's rows for assertions.</summary>
public static class ProcessorTestRows
{
    public static T Row<T>(this InMemoryWarehouse w, TableSchema table, Func<Row, T> map, Func<T, bool> where) =>
        Assert.Single(w.Rows(table).Select(r => map(new Row(r))), x => where(x));

    public static List<T> All<T>(this InMemoryWarehouse w, TableSchema table, Func<Row, T> map) =>
        w.Rows(table).Select(r => map(new Row(r))).ToList();

    public static List<FailureRecord> Failures(this InMemoryWarehouse w, ProcessorId p) =>
        w.All(TableCatalog.FailuresOf(p), FailureRecord.From).Where(f => f.ProcessorName == p).ToList();

    public static FailureRecord Failure(this InMemoryWarehouse w, ProcessorId p, string date, string entity) =>
        Assert.Single(w.Failures(p), f => f.AnalysisDate == Fixtures.Date(date) && f.EntityId == entity);
}
