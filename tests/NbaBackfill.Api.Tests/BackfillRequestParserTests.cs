using System.Text;

namespace NbaBackfill.Api.Tests;

public class BackfillRequestParserTests
{
    private static readonly ApiOptions Options = new(MaxRangeDays: 400, MaxBodyBytes: 1024);

    public static TheoryData<string, string, string> BadBodies => new()
    {
        { "", "body", "required: a JSON object" },
        { "{", "body", "malformed JSON" },
        { "[1,2]", "body", "must be a JSON object" },
        { "\"text\"", "body", "must be a JSON object" },
        { "{\"to\":\"2021-11-30\"}", "from", "required (YYYY-MM-DD)" },
        { "{\"from\":\"2021-11-01\"}", "to", "required (YYYY-MM-DD)" },
        { "{\"from\":\"2021-13-01\",\"to\":\"2021-11-30\"}", "from", "not a date in YYYY-MM-DD form" },
        { "{\"from\":\"11/01/2021\",\"to\":\"2021-11-30\"}", "from", "not a date in YYYY-MM-DD form" },
        { "{\"from\":20211101,\"to\":\"2021-11-30\"}", "from", "not a date in YYYY-MM-DD form" },
        { "{\"from\":\"2021-11-01\",\"to\":\"2021-02-30\"}", "to", "not a date in YYYY-MM-DD form" },
        { "{\"from\":\"2021-11-30\",\"to\":\"2021-11-01\"}", "to", "2021-11-01 is before from 2021-11-30" },
        { "{\"from\":\"2020-01-01\",\"to\":\"2022-04-10\"}", "to", "range longer than 400 days" },
        { "{\"from\":\"2021-11-01\",\"to\":\"2021-11-30\",\"processors\":[\"XYZ\"]}", "processors", "unknown processor 'XYZ'" },
        { "{\"from\":\"2021-11-01\",\"to\":\"2021-11-30\",\"processors\":[]}", "processors", "must be a non-empty array" },
        { "{\"from\":\"2021-11-01\",\"to\":\"2021-11-30\",\"processors\":\"PGS\"}", "processors", "must be a non-empty array" },
        { "{\"from\":\"2021-11-01\",\"to\":\"2021-11-30\",\"onFailure\":\"ignore\"}", "onFailure", "'ignore' is not stop or continue" },
        { "{\"from\":\"2021-11-01\",\"to\":\"2021-11-30\",\"maxParallel\":0}", "maxParallel", "0 is not between 1 and 64" },
        { "{\"from\":\"2021-11-01\",\"to\":\"2021-11-30\",\"maxParallel\":1000}", "maxParallel", "1000 is not between 1 and 64" },
        { "{\"from\":\"2021-11-01\",\"to\":\"2021-11-30\",\"maxParallel\":\"8\"}", "maxParallel", "must be a whole number" },
        { "{\"from\":\"2021-11-01\",\"to\":\"2021-11-30\",\"batchSize\":2.5}", "batchSize", "must be a whole number" },
        { "{\"from\":\"2021-11-01\",\"to\":\"2021-11-30\",\"batchSize\":401}", "batchSize", "401 is not between 1 and 400" },
        { "{\"from\":\"2021-11-01\",\"to\":\"2021-11-30\",\"dryRun\":\"yes\"}", "dryRun", "must be true or false" },
        { "{\"from\":\"2021-11-01\",\"to\":\"2021-11-30\",\"mode\":\"fast\"}", "mode", "unknown field" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public void Bad_bodies_name_the_field_and_the_rule(string body, string field, string rule)
    {
        var (parsed, errors) = BackfillRequestParser.Parse(Encoding.UTF8.GetBytes(body), Options);
        Assert.Null(parsed);
        Assert.Contains(errors, e => e.Field == field && e.Rule.StartsWith(rule, StringComparison.Ordinal));
    }

    [Fact]
    public void An_oversized_body_is_refused_before_parsing()
    {
        var (parsed, errors) = BackfillRequestParser.Parse(new byte[2048], Options);
        Assert.Null(parsed);
        Assert.Equal(new FieldError("body", "larger than 1024 bytes"), Assert.Single(errors));
    }

    [Fact]
    public void A_good_body_parses_with_defaults()
    {
        var (parsed, errors) = BackfillRequestParser.Parse(
            Encoding.UTF8.GetBytes("{\"from\":\"2021-11-01\",\"to\":\"2021-11-30\",\"processors\":[\"psza\",\"PGS\"],\"onFailure\":\"continue\",\"maxParallel\":8,\"dryRun\":true}"), Options);
        Assert.Empty(errors);
        Assert.True(parsed!.DryRun);
        Assert.Equal([Processors.ProcessorId.PGS, Processors.ProcessorId.PSZA], parsed.Request.Processors);
        Assert.Equal((Planning.OnFailure.Continue, 8, 200), (parsed.Request.OnFailure, parsed.Request.MaxParallel, parsed.Request.BatchSize));
    }
}
