using NbaBackfill.Calendar;
using NbaBackfill.Planning;
using NbaBackfill.Processors;
using NbaBackfill.Raw;
using NbaBackfill.Validation;

namespace NbaBackfill.Domain.Tests.Validation;

/// <summary>The one rule per identifier and value that comes from outside.</summary>
public class InputRulesTests
{
    [Theory]
    [InlineData("2021-22", true)]
    [InlineData("season_2", true)]
    [InlineData("../../../../x", false)]
    [InlineData("..", false)]
    [InlineData("2021-22\n", false)] // $ would have matched before the newline
    [InlineData("2021/22", false)]
    [InlineData("", false)]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false)]
    public void Season_ids(string text, bool valid) => Assert.Equal(valid, Identifiers.IsSeason(text));

    [Theory]
    [InlineData("bf-20211101-20211130-pgspszatdzapcfpdcmlfs", true)]
    [InlineData("bf-20211101-20211130-pgs-20261202T101010", true)]
    [InlineData("bf-20211101-20211130-pgs-20261202T101010-retry2-retry1", true)]
    [InlineData("daily-2021-11-02", true)]
    [InlineData("daily-2021-11-02-retry1", true)]
    [InlineData("nope", false)]
    [InlineData("../bf-20211101-20211130-pgs", false)]
    [InlineData("bf-20211101-20211130-pgs\n", false)]
    [InlineData("bf-20211101-20211130-PGS", false)]
    [InlineData("daily-2021-11-03-2", true)]
    [InlineData("stale-20211025-20220410-c5cbb734", true)]
    [InlineData("stale-20211025-20220410-../x", false)]
    [InlineData("stale-20211025-20220410-C5CBB734", false)]
    public void Run_ids(string text, bool valid) => Assert.Equal(valid, Identifiers.IsRunId(text));

    [Theory]
    [InlineData("PGS", "PGS")]
    [InlineData("mlfs", "MLFS")]
    public void Processor_names_parse_by_name(string text, string expected)
    {
        Assert.True(ProcessorIds.TryParse(text, out var p));
        Assert.Equal(expected, p.Name);
    }

    [Theory]
    [InlineData("5")] // Enum.TryParse: MLFS
    [InlineData("PSZA,TDZA")] // Enum.TryParse: PSZA|TDZA = PCF
    [InlineData(" PGS")]
    [InlineData("-1")]
    [InlineData("")]
    [InlineData(null)]
    public void Anything_else_is_not_a_processor(string? text) => Assert.False(ProcessorIds.TryParse(text, out _));

    [Theory]
    [InlineData("1946-01-01", true)]
    [InlineData("2100-12-31", true)]
    [InlineData("1945-12-31", false)]
    [InlineData("0001-01-01", false)]
    [InlineData("9999-12-31", false)]
    [InlineData("2021-02-29", false)]
    [InlineData("2021-1-01", false)]
    public void Dates_are_bounded(string text, bool valid)
    {
        Assert.Equal(valid, DateRange.TryParseDate(text, out _, out var error));
        if (!valid) Assert.Matches("^(not a date in YYYY-MM-DD form|outside 1946-01-01..2100-12-31)", error);
    }

    [Fact]
    public void A_csv_season_that_is_not_an_id_refuses_the_whole_load()
    {
        var e = Assert.Throws<RawInputException>(() => MiniSeason.Daily("../../../../x", MiniSeason.Day1, 2).Parse());
        Assert.Contains("season '../../../../x' is not a season id", e.Message, StringComparison.Ordinal);
        var o = Assert.Throws<RawInputException>(() => SeasonParser.Parse(MiniSeason.Daily(2).Build(), "../x"));
        Assert.StartsWith("--season: '../x' is not a season id", o.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Admission_refuses_exactly_the_shared_nodes()
    {
        var d = (int day) => new DateOnly(2021, 11, day);
        var running = new ActiveRun("bf-a", new BackfillRequest(d(1), d(20), [ProcessorId.PGS, ProcessorId.PDC]));
        var retry = new ActiveRun("bf-b-retry1", new BackfillRequest(d(1), d(30), ProcessorIds.All, Only: [new NodeKey(ProcessorId.MLFS, d(25))]));

        var conflict = Assert.Single(RunAdmission.Conflicts(new BackfillRequest(d(15), d(25), [ProcessorId.PDC, ProcessorId.MLFS]), [running]));
        Assert.Equal(("bf-a", ProcessorId.PDC, d(15), d(20)), (conflict.RunningId, Assert.Single(conflict.Processors), conflict.From, conflict.To));
        Assert.Empty(RunAdmission.Conflicts(new BackfillRequest(d(21), d(30), ProcessorIds.All), [running]));
        Assert.Empty(RunAdmission.Conflicts(new BackfillRequest(d(1), d(20), [ProcessorId.PSZA]), [running]));
        // A retry holds only its listed nodes.
        Assert.Empty(RunAdmission.Conflicts(new BackfillRequest(d(24), d(24), ProcessorIds.All), [retry]));
        Assert.Single(RunAdmission.Conflicts(new BackfillRequest(d(25), d(25), [ProcessorId.MLFS]), [retry]));
        Assert.Equal(2, RunAdmission.Conflicts(new BackfillRequest(d(1), d(30), ProcessorIds.All), [running, retry]).Count);
    }
}
