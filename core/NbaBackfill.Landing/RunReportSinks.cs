using Azure.Storage.Blobs;
using NbaBackfill.Orchestration;

namespace NbaBackfill.Landing;

/// <summary>Run reports in a local folder: {root}/{run-id}/{file}.</summary>
public sealed class FolderRunReportSink(string root) : IRunReportSink
{
    public string Describe => Path.GetFullPath(root);

    public async Task WriteAsync(string runId, IReadOnlyDictionary<string, string> files, CancellationToken ct)
    {
        var dir = Path.Combine(root, runId);
        Directory.CreateDirectory(dir);
        foreach (var (name, content) in files) await File.WriteAllTextAsync(Path.Combine(dir, name), content, ct);
    }
}

/// <summary>Run reports in Azure Blob Storage: reports/{run-id}/{file} of the container.</summary>
public sealed class BlobRunReportSink(BlobContainerClient container) : IRunReportSink
{
    public string Describe => container.Uri.ToString();

    public async Task WriteAsync(string runId, IReadOnlyDictionary<string, string> files, CancellationToken ct)
    {
        await container.CreateIfNotExistsAsync(cancellationToken: ct);
        foreach (var (name, content) in files)
        {
            await container.GetBlobClient($"reports/{runId}/{name}").UploadAsync(BinaryData.FromString(content), overwrite: true, ct);
        }
    }
}
