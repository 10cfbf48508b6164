namespace NbaBackfill.Cli.Tests;

public class CliTelemetryTests
{
    [Fact]
    public void Nothing_is_exported_unless_the_otlp_endpoint_is_set()
    {
        Assert.Null(CliTelemetry.Start(_ => null));
        Assert.Null(CliTelemetry.Start(_ => " "));
        using var on = CliTelemetry.Start(n => n == "OTEL_EXPORTER_OTLP_ENDPOINT" ? "http://127.0.0.1:4317" : null);
        Assert.NotNull(on);
    }
}
