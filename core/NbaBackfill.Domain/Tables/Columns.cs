namespace NbaBackfill.Tables;

/// <summary>A processor output row: keyed by its date and its entity (player id or team abbreviation).</summary>
public interface IOutputRow : ITableRow
{
    DateOnly Date { get; }

    string EntityId { get; }
}
