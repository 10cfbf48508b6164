using NbaBackfill.Processors;

namespace NbaBackfill.Domain.Tests.Processors;

public class MlFeatureStoreProcessorTests
{
    [Fact]
    public void Feature_vector_is_fixed_order_and_traces_back_to_its_sources()
    {
        var w = BundledPipeline.Result;
        var d = Fixtures.Date("2021-12-17");
        var row = w.Row(MlfsRow.Schema, MlfsRow.From, r => r.PlayerId == 203999 && r.GameDate == d);
        var pdc = w.Row(PdcRow.Schema, PdcRow.From, r => r.PlayerId == 203999 && r.CacheDate == d);
        var pcf = w.Row(PcfRow.Schema, PcfRow.From, r => r.PlayerId == 203999 && r.GameDate == d);
        Assert.Equal("v2", row.FeatureVersion);
        Assert.Equal(MlFeatureStoreProcessor.FeatureNames, row.FeatureNames);
        Assert.Equal(row.FeatureNames.Count, row.Features.Count);
        double F(string name) => row.Features[row.FeatureNames.ToList().IndexOf(name)];
        Assert.Equal(30.2, F("pts_avg_last_5"), 12);
        Assert.Equal(pdc.Pts.Season, F("pts_avg_season"));
        Assert.Equal(pcf.FatigueScore, F("fatigue_score"));
        Assert.Equal(1, F("days_rest"));
        Assert.Equal(0, F("is_back_to_back"));
        Assert.Equal(pcf.IsHome ? 1 : 0, F("is_home"));
        Assert.Equal(100, row.FeatureQualityScore);
    }

    [Fact]
    public void Mlfs_rows_exist_exactly_where_PDC_rows_exist()
    {
        var w = BundledPipeline.Result;
        var pdc = w.All(PdcRow.Schema, PdcRow.From).Select(r => (r.CacheDate, r.PlayerId)).ToHashSet();
        var mlfs = w.All(MlfsRow.Schema, MlfsRow.From).Select(r => (r.GameDate, r.PlayerId)).ToHashSet();
        Assert.Equal(11887, mlfs.Count);
        Assert.True(pdc.SetEquals(mlfs));
    }
}
