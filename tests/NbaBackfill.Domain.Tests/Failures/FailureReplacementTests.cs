using NbaBackfill.Failures;
using NbaBackfill.Processors;

namespace NbaBackfill.Domain.Tests.Failures;

public class FailureReplacementTests
{
    private static readonly DateOnly Day = new(2021, 12, 1);
    private static readonly DateTimeOffset Later = Fixtures.Stamp.CreatedAt.AddHours(1);

    private static FailureRecord Failure(string entity, string category = FailureCategory.IncompleteData, string run = "run-1") =>
        new(ProcessorId.PDC, Day, entity, EntityType.Player, category, "reason", true, null, FailureType.DataGap, true, null, null,
            null, true, ResolutionStatus.Unresolved, null, run, Fixtures.Stamp.CreatedAt);

    [Fact]
    public void Identical_failure_keeps_the_original_record()
    {
        var old = Failure("1");
        var merged = FailureReplacement.Merge([old], [Failure("1", run: "run-2") with { CreatedAt = Later }], new HashSet<(DateOnly, string)>(), Later);
        Assert.Same(old, Assert.Single(merged));
    }

    [Fact]
    public void Failure_whose_entity_now_has_a_row_is_resolved_with_a_timestamp()
    {
        var merged = FailureReplacement.Merge([Failure("1")], [], new HashSet<(DateOnly, string)> { (Day, "1") }, Later);
        var resolved = Assert.Single(merged);
        Assert.Equal((ResolutionStatus.Resolved, Later), (resolved.ResolutionStatus, resolved.ResolvedAt));
    }

    [Fact]
    public void Changed_failure_replaces_the_old_one_and_nothing_is_appended_twice()
    {
        var fresh = Failure("1", FailureCategory.MissingUpstream, "run-2");
        var merged = FailureReplacement.Merge([Failure("1"), Failure("2")], [fresh, Failure("2", run: "run-2")], new HashSet<(DateOnly, string)>(), Later);
        Assert.Equal(2, merged.Count);
        Assert.Contains(fresh, merged);
        Assert.Equal("run-1", merged.Single(f => f.EntityId == "2").RunId);
    }
}
