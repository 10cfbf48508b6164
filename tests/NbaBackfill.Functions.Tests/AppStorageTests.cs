using Microsoft.Extensions.Configuration;

namespace NbaBackfill.Functions.Tests;

/// <summary>The reports container is reached as the Bicep configures the app (identity), or by connection string locally.</summary>
public class AppStorageTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Identity_based_settings_give_the_account_s_blob_endpoint()
    {
        // Environment variables use __; configuration sees them as sections.
        var container = AppStorage.Container(Config(("AzureWebJobsStorage:accountName", "nbabackfillabc")), "reports");
        Assert.Equal("https://nbabackfillabc.blob.core.windows.net/reports", container.Uri.ToString());
        var byUri = AppStorage.Container(Config(("AzureWebJobsStorage:blobServiceUri", "https://other.blob.core.windows.net/")), "reports");
        Assert.Equal("https://other.blob.core.windows.net/reports", byUri.Uri.ToString());
    }

    [Fact]
    public void A_connection_string_wins_and_no_setting_is_a_clear_error()
    {
        Assert.Equal("reports", AppStorage.Container(Config(("AzureWebJobsStorage", "UseDevelopmentStorage=true")), "reports").Name);
        Assert.Contains("AzureWebJobsStorage__accountName", Assert.Throws<InvalidOperationException>(() => AppStorage.Container(Config(), "reports")).Message, StringComparison.Ordinal);
    }
}
