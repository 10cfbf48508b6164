using Azure.Storage.Blobs;
using NbaBackfill.Orchestration;
using NbaBackfill.Validation;

namespace NbaBackfill.Landing;

/// <summary>Run reports in a local folder: {root}/{run-id}/{file}.</summary>
public sealed class FolderRunReportSink(string root) : IRunReportSink
{
    public string Describe => Path.GetFullPath(root);

    public async Task WriteAsync(string runId, IReadOnlyDictionary<string, string> files, CancellationToken ct)
    {
        var dir = SafePaths.Under(root, ReportSinkRules.RequireRunId(runId));
        var paths = files.ToDictionary(f => f.Key, f => SafePaths.Under(dir, ReportSinkRules.RequireFileName(f.Key)));
        Directory.CreateDirectory(dir);
        foreach (var (name, content) in files) await File.WriteAllTextAsync(paths[name], content, ct);
    }
}

/// <summary>Run reports in Azure Blob Storage: reports/{run-id}/{file} of the container.</summary>
public sealed class BlobRunReportSink(BlobContainerClient container) : IRunReportSink
{
    public string Describe => container.Uri.ToString();

    public async Task WriteAsync(string runId, IReadOnlyDictionary<string, string> files, CancellationToken ct)
    {
        // Every name is checked before anything is written.
        var names = files.ToDictionary(f => f.Key, f => $"reports/{ReportSinkRules.RequireRunId(runId)}/{ReportSinkRules.RequireFileName(f.Key)}");
        await container.CreateIfNotExistsAsync(cancellationToken: ct);
        foreach (var (name, content) in files)
        {
            await container.GetBlobClient(names[name]).UploadAsync(BinaryData.FromString(content), overwrite: true, ct);
        }
    }
}

/// <summary>What a report sink accepts: run ids in the run-id format, plain file names (no folders).</summary>
internal static class ReportSinkRules
{
    public static string RequireRunId(string runId) =>
        Identifiers.IsRunId(runId) ? runId : throw new ArgumentException($"run id {Identifiers.Quote(runId)} is not {Identifiers.RunIdRule}");

    public static string RequireFileName(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-') && !name.StartsWith('.')
            ? name
            : throw new ArgumentException($"report file name {Identifiers.Quote(name)} is not a plain file name");
}
