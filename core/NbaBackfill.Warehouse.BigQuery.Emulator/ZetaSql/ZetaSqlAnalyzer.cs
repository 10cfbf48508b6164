using System.Diagnostics;
using System.Text.Json.Nodes;
using Grpc.Core;
using Grpc.Net.Client;
using NbaBackfill.Warehouse.BigQuery.Emulator.ZetaSql.Wire;

namespace NbaBackfill.Warehouse.BigQuery.Emulator.ZetaSql;

/// <summary>
/// Google's ZetaSQL analyzer (the GoogleSQL reference implementation; `remote_server.so` of the npm package
/// @fivetrandevelopers/zetasql, installed by ./test) judging GoogleSQL statements against a catalog, as BigQuery's
/// front end would: unknown functions and columns, bad casts and type mismatches fail with the analyzer's message.
/// One server per test process, started on first use; if it cannot start, every use fails (nothing is skipped).
/// </summary>
public sealed class ZetaSqlAnalyzer
{
    // TypeKind numbers of zetasql/public/type.proto.
    private const int TypeInt64 = 2, TypeBool = 5, TypeDouble = 7, TypeString = 8, TypeDate = 10, TypeArray = 16, TypeTimestamp = 19;

    // ResolvedNodeKind numbers of zetasql/resolved_ast/resolved_node_kind.proto: the statements BigQuery runs here.
    private static readonly int[] StatementKinds = [38 /* query */, 63 /* insert */, 64 /* delete */, 66 /* update */, 101 /* merge */];

    private const int ProductExternal = 1; // BigQuery's names: FLOAT64, INT64
    private const int ErrorMessageOneLine = 1;

    private static readonly Lazy<ZetaSqlAnalyzer> Instance = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly ZetaSqlLocalService.ZetaSqlLocalServiceClient _client;
    private readonly LanguageOptionsProto _language;

    private ZetaSqlAnalyzer(ZetaSqlLocalService.ZetaSqlLocalServiceClient client, LanguageOptionsProto language)
    {
        _client = client;
        _language = language;
    }

    public static ZetaSqlAnalyzer Shared => Instance.Value;

    /// <summary>A table as the catalog sees it: its full name (`project.dataset.table`) and its BigQuery schema fields.</summary>
    public sealed record CatalogTable(string FullName, JsonArray Fields);

    /// <summary>Null when the statement is valid GoogleSQL for these tables and typed parameters; else the analyzer's message.</summary>
    public string? Analyze(string statement, IEnumerable<CatalogTable> tables, IReadOnlyDictionary<string, JsonObject> parameters)
    {
        var options = new AnalyzerOptionsProto { LanguageOptions = _language, ErrorMessageMode = ErrorMessageOneLine };
        foreach (var (name, parameter) in parameters)
        {
            options.QueryParameters.Add(new AnalyzerOptionsProto.Types.QueryParameterProto { Name = name, Type = TypeOfParameter(parameter["parameterType"]!.AsObject()) });
        }
        var catalog = new SimpleCatalogProto
        {
            Name = "bigquery",
            BuiltinFunctionOptions = new ZetaSQLBuiltinFunctionOptionsProto { LanguageOptions = _language },
        };
        foreach (var table in tables)
        {
            var proto = new SimpleTableProto { Name = table.FullName };
            foreach (var field in table.Fields.Select(f => f!.AsObject()))
            {
                proto.Column.Add(new SimpleColumnProto { Name = field["name"]!.GetValue<string>(), Type = TypeOfField(field) });
            }
            catalog.Table.Add(proto);
        }
        try
        {
            _client.Analyze(new AnalyzeRequest { Options = options, SimpleCatalog = catalog, SqlStatement = statement });
            return null;
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.InvalidArgument or StatusCode.NotFound or StatusCode.Unimplemented or StatusCode.OutOfRange)
        {
            return e.Status.Detail;
        }
    }

    private static TypeProto TypeOfField(JsonObject field)
    {
        var scalar = Scalar(field["type"]!.GetValue<string>());
        return field["mode"]?.GetValue<string>() == "REPEATED" ? new TypeProto { TypeKind = TypeArray, ArrayType = new ArrayTypeProto { ElementType = scalar } } : scalar;
    }

    private static TypeProto TypeOfParameter(JsonObject type) =>
        type["type"]!.GetValue<string>() == "ARRAY"
            ? new TypeProto { TypeKind = TypeArray, ArrayType = new ArrayTypeProto { ElementType = TypeOfParameter(type["arrayType"]!.AsObject()) } }
            : Scalar(type["type"]!.GetValue<string>());

    private static TypeProto Scalar(string bigQueryType) => new()
    {
        TypeKind = bigQueryType switch
        {
            "STRING" => TypeString,
            "INT64" or "INTEGER" => TypeInt64,
            "FLOAT64" or "FLOAT" => TypeDouble,
            "BOOL" or "BOOLEAN" => TypeBool,
            "DATE" => TypeDate,
            "TIMESTAMP" => TypeTimestamp,
            _ => throw new NotSupportedException($"no ZetaSQL type for BigQuery type {bigQueryType}"),
        },
    };

    private static readonly string[] InTools = ["tools", "node_modules", "@fivetrandevelopers", "zetasql", "lib", "zetasql", "remote_server.so"];

    /// <summary>The server binary: NBA_ZETASQL_SERVER (./test sets it), else tools/node_modules of the repository.</summary>
    public static string ServerPath()
    {
        if (Environment.GetEnvironmentVariable("NBA_ZETASQL_SERVER") is { Length: > 0 } path) return path;
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            var candidate = Path.Combine([d.FullName, .. InTools]);
            if (File.Exists(candidate)) return candidate;
        }
        return Path.Combine(InTools);
    }

    private static ZetaSqlAnalyzer Start()
    {
        var path = ServerPath();
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"the ZetaSQL analyzer is not installed at {path}: run ./test (it installs tools/ with npm)");
        }
        int port;
        using (var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }
        var start = new ProcessStartInfo(path) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("localhost");
        start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{path} did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        };
        var client = new ZetaSqlLocalService.ZetaSqlLocalServiceClient(GrpcChannel.ForAddress($"http://localhost:{port}"));
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var language = client.GetLanguageOptions(new LanguageOptionsRequest { MaximumFeatures = true }, deadline: TimeProvider.System.GetUtcNow().UtcDateTime.AddSeconds(5));
                language.ProductMode = ProductExternal;
                language.SupportedStatementKinds.Clear();
                language.SupportedStatementKinds.Add(StatementKinds);
                return new ZetaSqlAnalyzer(client, language);
            }
            catch (RpcException) when (deadline.Elapsed < TimeSpan.FromSeconds(30) && !process.HasExited)
            {
                Thread.Sleep(200);
            }
            catch (RpcException e)
            {
                throw new InvalidOperationException($"the ZetaSQL analyzer at {path} did not answer on port {port}: {e.Status.Detail}", e);
            }
        }
    }
}
