using NbaBackfill.Planning;
using NbaBackfill.Processors;
using NbaBackfill.Validation;

namespace NbaBackfill.Domain.Tests.Validation;

/// <summary>The one set of request rules that both the HTTP API and the CLI check.</summary>
public sealed class BackfillRulesTests
{
    private static readonly BackfillRequest Valid = new(new DateOnly(2021, 11, 1), new DateOnly(2021, 11, 30), ProcessorIds.All);

    public static TheoryData<BackfillRequest, RequestField, string> Broken => new()
    {
        { Valid with { To = new DateOnly(2021, 10, 31) }, RequestField.To, "2021-10-31 is before from 2021-11-01" },
        { Valid with { Processors = [] }, RequestField.Processors, "names no processor" },
        { Valid with { MaxParallel = 0 }, RequestField.MaxParallel, "0 is not between 1 and 64" },
        { Valid with { MaxParallel = 65 }, RequestField.MaxParallel, "65 is not between 1 and 64" },
        { Valid with { BatchSize = 0 }, RequestField.BatchSize, "0 is not between 1 and 400" },
        { Valid with { BatchSize = 401 }, RequestField.BatchSize, "401 is not between 1 and 400" },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void Each_broken_rule_names_its_field(BackfillRequest request, RequestField field, string rule) =>
        Assert.Equal([new RuleViolation(field, rule)], BackfillRules.Check(request));

    [Fact]
    public void Valid_requests_and_the_edges_pass()
    {
        Assert.Empty(BackfillRules.Check(Valid));
        Assert.Empty(BackfillRules.Check(Valid with { MaxParallel = 64, BatchSize = 400, To = Valid.From }));
    }

    [Fact]
    public void The_range_bound_applies_only_where_a_host_sets_one()
    {
        var season = Valid with { From = new DateOnly(2020, 1, 1), To = new DateOnly(2022, 4, 10) };
        Assert.Empty(BackfillRules.Check(season));
        Assert.Equal([new RuleViolation(RequestField.To, "range longer than 400 days")], BackfillRules.Check(season, maxRangeDays: 400));
        Assert.Equal(RequestField.MaxParallel, Assert.Single(BackfillRules.Check(Valid with { MaxParallel = 9 }, maxParallelLimit: 8)).Field);
    }

    [Theory]
    [InlineData("stop", true)]
    [InlineData("continue", true)]
    [InlineData("Stop", false)] // the words are exact, on both surfaces
    [InlineData("1", false)] // not Enum.TryParse: no numbers
    [InlineData(null, false)]
    public void Policies_are_words(string? text, bool valid)
    {
        Assert.Equal(valid, BackfillRules.TryParseName(BackfillRules.OnFailureNames, text, out _, out var rule));
        if (!valid) Assert.EndsWith("is not stop or continue", rule, StringComparison.Ordinal);
    }
}
