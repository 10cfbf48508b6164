using NbaBackfill.Orchestration;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace NbaBackfill.Cli;

/// <summary>
/// The CLI's (and serve's) OpenTelemetry: the standard OTEL_EXPORTER_OTLP_ENDPOINT (with the other OTEL_* variables the
/// OTLP exporter reads) turns on traces and metrics of the "NbaBackfill" source and meter; nothing is exported otherwise.
/// </summary>
public static class CliTelemetry
{
    public static IDisposable? Start(Func<string, string?> variable)
    {
        if (string.IsNullOrWhiteSpace(variable("OTEL_EXPORTER_OTLP_ENDPOINT"))) return null;
        // Service "nba-backfill" unless OTEL_SERVICE_NAME says otherwise (the SDK reads that one itself).
        void Service(ResourceBuilder r)
        {
            if (string.IsNullOrWhiteSpace(variable("OTEL_SERVICE_NAME"))) r.AddService("nba-backfill");
        }
        var tracing = Sdk.CreateTracerProviderBuilder().ConfigureResource(Service).AddSource(NbaTelemetry.Name).AddOtlpExporter().Build();
        var metering = Sdk.CreateMeterProviderBuilder().ConfigureResource(Service).AddMeter(NbaTelemetry.Name).AddOtlpExporter().Build();
        return new Providers(tracing, metering);
    }

    private sealed class Providers(TracerProvider tracing, MeterProvider metering) : IDisposable
    {
        // Disposing flushes what is buffered, so a short command's spans are not lost.
        public void Dispose()
        {
            tracing.Dispose();
            metering.Dispose();
        }
    }
}
