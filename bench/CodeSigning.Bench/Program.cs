using CodeSigning.Bench;
using Microsoft.Extensions.Logging;

// The benchmarks of issue #7 (./build.sh bench): every figure from one run on this machine, written to
// bench/results/<date>.json, the results section of docs/performance.md and a throughput plot.
var options = BenchOptions.Parse(args);
using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(c => c.SingleLine = true)
    .AddFilter("Microsoft", LogLevel.Warning).AddFilter("System", LogLevel.Warning));
var log = loggerFactory.CreateLogger("bench");
if (args.Contains("--timestamps-only"))
{
    // The timestamp authority alone, printed and not recorded: a quick look after changing it.
    foreach (var row in await TimestampThroughput.RunAsync(options.Threads, options.Warmup, options.Duration))
    {
        log.Step($"timestamps: {row}");
    }
    return 0;
}
var root = RepositoryRoot();
var modulePath = Environment.GetEnvironmentVariable("CODESIGN_PKCS11_MODULE") is { Length: > 0 } configured
    ? configured
    : Path.Combine(root, "artifacts", "native", "linux-x64", "libcodesign-pkcs11.so");
if (!File.Exists(modulePath))
{
    throw new FileNotFoundException($"the PKCS#11 module is missing at {modulePath}: run ./build.sh build first", modulePath);
}
// ServerProcess follows the test suites' store switch; here each run names its store itself.
Environment.SetEnvironmentVariable("CODESIGN_TEST_STORE", null);
if (options.MatrixOnly)
{
    await MatrixRun.RunAsync(options, root, modulePath, log);
    return 0;
}
if (args.Contains("--replicas-only"))
{
    await ReplicaRun.RunAsync(options, root, log);
    return 0;
}
if (Array.IndexOf(args, "--profile") is var profile and >= 0)
{
    // --profile <dotnet-trace>: ./build.sh profile installs the tool and names it.
    await ServerProfile.RunAsync(options, root, modulePath, args[profile + 1], log);
    return 0;
}
var date = DateTimeOffset.UtcNow;
var algorithms = options.Algorithms;

log.Step($"{(options.Quick ? "quick smoke run" : "full run")}: starting the server (SQLite, TLS on loopback) and a SoftHSM2 token");
var machine = MachineInfo.Describe();
List<ThroughputRow> throughput;
List<LatencyAddedRow> latencyAdded;
MultipartResult multipart;
List<ColdStartResult> coldStart;
await using (var server = await BenchServer.StartAsync(algorithms))
using (var softHsm = SoftHsmToken.Create(algorithms))
using (var library = new Pkcs11Module(modulePath))
using (var channel = server.OperatorChannel())
{
    throughput = ThroughputMatrix.Run(options, server, channel, library, softHsm, log);

    log.Step($"latency the library adds: {options.LatencyRounds} paired rounds per key type at 1 thread");
    latencyAdded = LatencyAdded.Run(options, channel, library, log);

    log.Step($"multi-part: {MultipartBench.Algorithm.HashAndSignMechanism} over {options.MultipartBytes >> 20} MiB against sha256sum");
    multipart = MultipartBench.Run(options.MultipartBytes, library,
        server.Signers[BenchServer.SignerName(MultipartBench.Algorithm)].PublicKey.ToByteArray(), softHsm);

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

log.Step($"scale-out: 1 and 2 replicas on one PostgreSQL with fsync on, {options.SustainedThreads} threads");
var replicas = await ReplicaLoad.RunAsync(options.SustainedThreads, options.Warmup, options.Duration);

log.Step($"timestamp authority: timestamps/s at {string.Join(", ", options.Threads)} threads");
var timestamps = await TimestampThroughput.RunAsync(options.Threads, options.Warmup, options.Duration);

var targets = Targets.Evaluate(throughput, latencyAdded, multipart, coldStart, sustained);
foreach (var target in targets)
{
    log.Target(target.Name, target.Measured, target.Unit, target.Ratio, target.Met ? "met" : "MISSED");
}

var report = new BenchReport(date, options, machine, throughput, opensslSpeed, latencyAdded, multipart, coldStart, sustained, targets, timestamps, replicas);
ResultFiles.Write(root, report, log);
// A missed target is a finding reported in the results, not a failed run.
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
