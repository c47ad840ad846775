using CodeSigning.Pkcs11.Configuration;
using Microsoft.Extensions.Logging;

namespace CodeSigning.Pkcs11.Logging;

/// <summary>
/// The module's logger factory. The module lives inside someone else's process (a JVM, openssl),
/// so it writes plain lines to stderr or a file and never to stdout.
/// CODESIGN_PKCS11_LOG_LEVEL (Trace..Critical, default Warning) and CODESIGN_PKCS11_LOG_FILE choose
/// where and how much until a configuration file says otherwise.
/// </summary>
public static class ProviderLogging
{
    private static ILoggerFactory _factory = CreateFromEnvironment();

    public static ILoggerFactory Factory => Volatile.Read(ref _factory);

    /// <summary>The module-wide logger (category "CodeSigning.Pkcs11").</summary>
    public static ILogger Logger { get; private set; } = _factory.CreateLogger("CodeSigning.Pkcs11");

    /// <summary>Replaces the sink, for example once the configuration file names a log file.</summary>
    public static void Use(ILoggerFactory replacement)
    {
        var previous = Interlocked.Exchange(ref _factory, replacement);
        Logger = replacement.CreateLogger("CodeSigning.Pkcs11");
        previous.Dispose();
    }

    /// <summary>Switches to the configuration file's log level and file, when it names either (the module and the KSP alike).</summary>
    public static void Configure(ModuleConfiguration configuration)
    {
        if (configuration.LogLevel is not null || configuration.LogFile is not null)
        {
            var level = Enum.Parse<LogLevel>(configuration.LogLevel ?? nameof(LogLevel.Warning), ignoreCase: true);
            Use(Create(level, configuration.LogFile));
        }
    }

    private static ILoggerFactory CreateFromEnvironment()
    {
        var level = Enum.TryParse<LogLevel>(Environment.GetEnvironmentVariable("CODESIGN_PKCS11_LOG_LEVEL"), ignoreCase: true, out var parsed)
            ? parsed
            : LogLevel.Warning;
        var file = Environment.GetEnvironmentVariable("CODESIGN_PKCS11_LOG_FILE");
        return Create(level, string.IsNullOrEmpty(file) ? null : file);
    }

    /// <summary>A factory writing to <paramref name="file"/> (appended) or, when null, to stderr.</summary>
    public static ILoggerFactory Create(LogLevel level, string? file) =>
        LoggerFactory.Create(builder => builder
            .SetMinimumLevel(level)
            .AddProvider(new TextWriterLoggerProvider(file)));
}
