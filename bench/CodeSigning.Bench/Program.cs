using System.Text.Json;
using System.Text.Json.Serialization;
using CodeSigning.Bench;
using Microsoft.Extensions.Logging;

// The benchmarks of issue #7 (./build.sh bench): every figure from one run on this machine, written to
// bench/results/<date>.json, the results section of docs/performance.md and a throughput plot.
var options = BenchOptions.Parse(args);
using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(c => c.SingleLine = true)
    .AddFilter("Microsoft", LogLevel.Warning).AddFilter("System", LogLevel.Warning));
var log = loggerFactory.CreateLogger("bench");
var root = RepositoryRoot();
var modulePath = Environment.GetEnvironmentVariable("CODESIGN_PKCS11_MODULE") is { Length: > 0 } configured
    ? configured
    : Path.Combine(root, "artifacts", "native", "linux-x64", "libcodesign-pkcs11.so");
if (!File.Exists(modulePath))
{
    throw new FileNotFoundException($"the PKCS#11 module is missing at {modulePath}: run ./build.sh build first", modulePath);
}
var date = DateTimeOffset.UtcNow;
var algorithms = BenchAlgorithm.All;

log.Step($"{(options.Quick ? "quick smoke run" : "full run")}: starting the server (SQLite, TLS on loopback) and a SoftHSM2 token");
var machine = MachineInfo.Describe();
var throughput = new List<ThroughputRow>();
MultipartResult multipart;
List<ColdStartResult> coldStart;
await using (var server = await BenchServer.StartAsync(algorithms))
using (var softHsm = SoftHsmToken.Create(algorithms))
using (var library = new Pkcs11Module(modulePath))
using (var channel = server.OperatorChannel())
{
    foreach (var algorithm in algorithms)
    {
        using var rawKey = algorithm.CreateKey();
        var signer = BenchServer.SignerName(algorithm);
        (string Path, Func<ISignWorker> Create)[] workers =
        [
            (Paths.Library, () => library.CreateWorker(signer, signer, algorithm.PrehashedMechanism, algorithm.PrehashedInput)),
            (Paths.SoftHsm2, () => softHsm.Module.CreateWorker(SoftHsmToken.TokenLabel, algorithm.Id, algorithm.PrehashedMechanism, algorithm.PrehashedInput)),
            (Paths.Raw, () => new RawSignWorker(rawKey)),
            (Paths.Grpc, () => new GrpcSignWorker(channel, signer, algorithm)),
        ];
        foreach (var (path, create) in workers.Where(w => w.Path is Paths.Library or Paths.Grpc))
        {
            using var worker = create();
            SignatureCheck.Verify(path, algorithm, server.Signers[signer].PublicKey.ToByteArray(), worker.Sign());
        }
        foreach (var threads in options.Threads)
        {
            // The four paths back to back per cell, so a change in the machine's load hits them alike.
            foreach (var (path, worker) in workers)
            {
                var result = LoadRunner.Run(threads, options.Warmup, options.Duration, worker);
                log.Cell(path, algorithm.Name, threads, result.SignaturesPerSecond, result.P50Ms, result.P99Ms);
                if (result.Failures > 0)
                {
                    log.CellFailures(path, algorithm.Name, threads, result.Failures, result.FirstError);
                }
                throughput.Add(ThroughputRow.From(path, algorithm, result));
            }
        }
    }

    log.Step($"multi-part: {MultipartBench.Algorithm.HashAndSignMechanism} over {options.MultipartBytes >> 20} MiB against sha256sum");
    var multipartSigner = BenchServer.SignerName(MultipartBench.Algorithm);
    multipart = MultipartBench.Run(options.MultipartBytes, library, multipartSigner, multipartSigner, softHsm.Module, SoftHsmToken.TokenLabel,
        MultipartBench.Algorithm.Id);

    log.Step($"cold start: {options.ColdStartRuns} fresh processes per module");
    using var cold = new ColdStart(root);
    var p256 = BenchServer.SignerName(BenchAlgorithm.EcP256);
    coldStart =
    [
        cold.Run(Paths.Library, modulePath, p256, null, new Dictionary<string, string> { ["CODESIGN_PKCS11_CONFIG"] = server.ConfigPath }, options.ColdStartRuns),
        cold.Run(Paths.SoftHsm2, SoftHsmToken.LibraryPath, BenchAlgorithm.EcP256.Id, SoftHsmToken.Pin,
            new Dictionary<string, string> { ["SOFTHSM2_CONF"] = softHsm.ConfigPath }, options.ColdStartRuns),
    ];
}

log.Step($"openssl speed, {options.OpensslSeconds} s per operation");
var opensslSpeed = OpensslSpeed.Run(options.OpensslSeconds);

var sustained = new List<SustainedResult>();
foreach (var (store, postgres) in new[] { ("sqlite", false), ("postgresql", true) })
{
    log.Step($"sustained load on {store}: {options.SustainedThreads} threads, {options.SustainedWarmup.TotalSeconds} s warm-up, {options.SustainedDuration.TotalSeconds} s measured");
    sustained.Add(await SustainedLoad.RunAsync(store, postgres, options.SustainedThreads, options.SustainedWarmup, options.SustainedDuration));
}

var latencyAdded = algorithms.Select(a =>
{
    double P50(string path) => throughput.Single(r => r.Path == path && r.Algorithm == a.Name && r.Threads == 1).P50Ms;
    return new LatencyAddedRow(a.Name, P50(Paths.Library), P50(Paths.Grpc), P50(Paths.Library) - P50(Paths.Grpc));
}).ToList();
var targets = Targets.Evaluate(throughput, latencyAdded, multipart, coldStart, sustained);
foreach (var target in targets)
{
    log.Target(target.Name, target.Measured, target.Unit, target.Ratio, target.Met ? "met" : "MISSED");
}

var report = new BenchReport(date, options, machine, throughput, opensslSpeed, latencyAdded, multipart, coldStart, sustained, targets);
var results = Directory.CreateDirectory(Path.Combine(root, "bench", "results")).FullName;
// A smoke run never overwrites the figures of a real one (bench/.gitignore keeps it out of commits).
var stem = $"{date:yyyy-MM-dd}{(options.Quick ? "-quick" : "")}";
var jsonName = $"{stem}.json";
var plotName = $"{stem}-throughput.png";
var json = Path.Combine(results, jsonName);
File.WriteAllText(json, JsonSerializer.Serialize(report, new JsonSerializerOptions
{
    WriteIndented = true,
    PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
}));
log.Wrote(json);
var plot = Path.Combine(results, plotName);
ToolProcess.Run("/usr/bin/python3", [Path.Combine(root, "bench", "plot_throughput.py"), json, plot]);
log.Wrote(plot);
var doc = Path.Combine(root, "docs", "performance.md");
PerformanceDoc.Update(doc, report, jsonName, plotName);
log.Wrote(doc);
return 0;

static string RepositoryRoot()
{
    foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CodeSigning.Pkcs11.sln")))
            {
                return directory.FullName;
            }
        }
    }
    throw new InvalidOperationException("cannot find the repository root (CodeSigning.Pkcs11.sln)");
}
