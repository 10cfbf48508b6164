using NbaBackfill.Failures;
using NbaBackfill.Processors;
using NbaBackfill.Tables;
using NbaBackfill.Versions;

namespace NbaBackfill.Domain.Tests.Versions;

/// <summary>The content hash: typed rows (written through their declarations) hash exactly as their boxed values do.</summary>
public sealed class ContentHashTests
{
    public static TheoryData<ProcessorId> Processors() => [.. ProcessorIds.All];

    [Theory]
    [MemberData(nameof(Processors))]
    public async Task Typed_rows_and_failures_hash_as_their_values_do(ProcessorId processor)
    {
        var result = await ProcessorRunner.ComputeAsync(processor, BundledPipeline.Result, Fixtures.Season2021, Fixtures.Stamp, CancellationToken.None);
        Assert.NotEmpty(result.Rows);
        var boxed = ContentHash.OfTagged(
            result.Rows.Select(r => r.ToValues()).Select(v => new TaggedValues("row", v, v.Length))
                .Concat(result.Failures.Select(f => new TaggedValues("failure", f.ToValues(), FailureRecord.SubstanceColumns))));
        Assert.Equal(boxed, OutputVersion.OfRows(result.Rows, result.Failures));
        Assert.Equal(boxed, OutputVersion.Of(result.Rows.Select(r => r.ToValues()), result.Failures));
    }

    [Fact]
    public void A_feature_vector_is_hashed_by_its_values()
    {
        var row = new MlfsRow(new DateOnly(2021, 11, 1), "2021-22", 7, [1.5, double.NaN], ["a", "b"], "v2", 2, 50);
        var other = row with { Features = [1.5, 2.0] };
        Assert.NotEqual(OutputVersion.OfRows([row], []), OutputVersion.OfRows([other], []));
        Assert.Equal(OutputVersion.OfRows([row], []), OutputVersion.OfRows([row with { Features = [1.5, double.NaN] }], []));
    }

    [Fact]
    public void Rows_hash_in_any_order_and_a_separator_inside_a_value_cannot_fake_two_values()
    {
        object?[] a = ["x", 1L], b = ["y", 2.5];
        Assert.Equal(ContentHash.Of([a, b]), ContentHash.Of([b, a]));
        Assert.NotEqual(ContentHash.Of([["p\u001fs:q"]]), ContentHash.Of([["p", "q"]]));
        Assert.NotEqual(ContentHash.Of([["p\\"]]), ContentHash.Of([["p\\\\"]]));
        Assert.NotEqual(ContentHash.Of([[null]]), ContentHash.Of([[""]]));
    }
}
