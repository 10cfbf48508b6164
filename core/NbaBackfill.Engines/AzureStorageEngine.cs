using DurableTask.AzureStorage;
using NbaBackfill.Orchestration;
using NbaBackfill.Warehouse;

namespace NbaBackfill.Engines;

/// <summary>
/// The durable local engine: the Azure Storage provider Durable Functions itself uses (against Azurite or a real
/// account). Orchestration state lives in the task hub: a killed process resumes the same instance when restarted.
/// </summary>
public static class AzureStorageEngine
{
    public static async Task<SidecarEngine> StartAsync(
        string connectionString, string taskHub, IWarehouse warehouse, TimeProvider time, CancellationToken ct = default, IRunReportSink? reports = null,
        TimeSpan? visibilityTimeout = null)
    {
        // How long a message taken by a process that dies stays invisible: the wait before another process resumes it.
        var visibility = visibilityTimeout ?? TimeSpan.FromSeconds(10);
        var settings = new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = taskHub,
            StorageAccountClientProvider = new StorageAccountClientProvider(connectionString),
            // Measured here: the 5-minute defaults make a resumed instance wait 5.5 minutes; keep above the longest activity.
            ControlQueueVisibilityTimeout = visibility,
            WorkItemQueueVisibilityTimeout = visibility,
            MaxQueuePollingInterval = TimeSpan.FromSeconds(1),
            PartitionCount = 4,
            MaxConcurrentTaskActivityWorkItems = 16,
            MaxConcurrentTaskOrchestrationWorkItems = 8,
        };
        var service = new AzureStorageOrchestrationService(settings);
        await service.CreateIfNotExistsAsync();
        return await SidecarEngine.StartAsync("azurestorage", service, service, warehouse, time, reports, ct);
    }
}
