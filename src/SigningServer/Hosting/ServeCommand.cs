using CodeSigning.Server.Domain;
using CodeSigning.Server.Keys;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CodeSigning.Server.Hosting;

/// <summary><c>codesign-server --data-dir DIR</c>: serve until SIGTERM / SIGINT.</summary>
public static class ServeCommand
{
    public static async Task<int> RunAsync(ServerOptions options, ServerSettings settings, TimeProvider clock)
    {
        ServerHost.RequireInitialized(options.Store);
        PrivateFiles.Require(options.DataDir, options.Database is null,
            options.Plaintext ? null : options.TlsKeyPath ?? ServerCertificate.KeyPathIn(options.DataDir));
        using var tls = options.Plaintext ? null
            : options.TlsCertificatePath is not null ? ServerCertificate.Load(options.TlsCertificatePath, options.TlsKeyPath!)
            : ServerCertificate.LoadOrCreate(options.DataDir);
        await using var app = ServerHost.Build(options, settings, clock, tls?.Certificate);
        await app.StartAsync().ConfigureAwait(false);
        var url = ServerHost.ListeningUrl(app, options).ToString().TrimEnd('/');
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("CodeSigning.Server");
        ServerLog.Listening(logger, url, options.DataDir, app.Services.GetRequiredService<KeyVaults>().DefaultKind);
        // The lines scripts and tests wait for, on stdout; "listening on" last, so that whoever
        // stops reading there has seen the certificate too.
        if (tls is not null)
        {
            Console.Out.WriteLine($"tls certificate: {tls.CertificatePemPath} sha256:{tls.Sha256Fingerprint}");
        }
        var access = options.TimestampingOrDefault.Access;
        if (access != Timestamping.TimestampAccess.Off)
        {
            ServerLog.TimestampListening(logger, url + Api.TimestampEndpoint.Path, access.ToString().ToLowerInvariant());
        }
        // Printed only with --tsa-listen, so that the default output stays the two lines scripts read.
        if (ServerHost.TimestampListenUrl(app, options) is { } plain)
        {
            ServerLog.TimestampListening(logger, plain.ToString(), access.ToString().ToLowerInvariant());
            Console.Out.WriteLine($"timestamp authority: {plain}");
        }
        Console.Out.WriteLine($"listening on {url}");
        Console.Out.Flush();
        await app.WaitForShutdownAsync().ConfigureAwait(false);
        return 0;
    }
}
