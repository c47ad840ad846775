using System.Security.Cryptography.X509Certificates;
using CodeSigning.Server.Api;
using CodeSigning.Server.Audit;
using CodeSigning.Server.Domain;
using CodeSigning.Server.Keys;
using CodeSigning.Server.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CodeSigning.Server.Hosting;

/// <summary>Builds the web application: Kestrel, the gRPC services with JSON transcoding, the health endpoint.</summary>
public static class ServerHost
{
    /// <param name="certificate">Null serves HTTP/2 without TLS (h2c), for loopback only.</param>
    /// <param name="configureLogging">Lets tests route logs elsewhere.</param>
    public static WebApplication Build(ServerOptions options, ServerSettings settings, TimeProvider clock, X509Certificate2? certificate,
        Action<ILoggingBuilder>? configureLogging = null)
    {
        RequireInitialized(options.Store);
        var store = options.Store.Open();
        ServerIdentity identity;
        using (var session = store.Begin())
        {
            identity = ServerIdentity.Load(session);
        }
        var hsm = options.Hsm is null ? null : Pkcs11KeyVault.Open(options.Hsm);
        KeyVaults vaults;
        try
        {
            vaults = new KeyVaults(SoftwareKeyVault.Open(options.DataDir), options.DefaultKeyVault, hsm is null ? [] : [hsm]);
        }
        catch
        {
            hsm?.Dispose();
            throw;
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = options.DataDir, Args = [] });
        builder.Logging.ClearProviders();
        // Logs go to stderr: stdout carries only the lines scripts read ("listening on ...").
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ "; o.UseUtcTimestamp = true; });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        configureLogging?.Invoke(builder.Logging);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(options.ListenAddress, options.ListenPort, listen =>
        {
            if (certificate is null)
            {
                listen.Protocols = HttpProtocols.Http2;
            }
            else
            {
                // HTTP/1.1 as well, so that REST clients without HTTP/2 reach the transcoded API.
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(certificate);
            }
        }));

        var services = builder.Services;
        services.AddSingleton(settings);
        services.AddSingleton(clock);
        services.AddSingleton<IStore>(store);
        services.AddSingleton(vaults);
        services.AddSingleton(identity);
        services.AddSingleton(provider => ActivatorUtilities.CreateInstance<AuthFailureLimiter>(provider, settings.AuthFailuresPerMinute));
        services.AddSingleton<AuditLog>();
        services.AddSingleton<GroupCommitter>();
        services.AddSingleton<Operations>();
        services.AddSingleton<Authenticator>();
        services.AddSingleton<TokenExchange>();
        services.AddSingleton<SignPipeline>();
        services.AddSingleton<SignerManager>();
        services.AddSingleton<IdentityManager>();
        services.AddSingleton<MemberManager>();
        services.AddSingleton<ApprovalManager>();
        services.AddSingleton<AuditReader>();
        services.AddSingleton<WebhookManager>();
        services.AddHostedService<Notifications.WebhookDispatcher>();
        // REST errors carry the same google.rpc.Status details as gRPC ones: the JSON writer must know ErrorInfo.
        services.AddGrpc(grpc => grpc.Interceptors.Add<ErrorInterceptor>())
            .AddJsonTranscoding(json => json.TypeRegistry = Google.Protobuf.Reflection.TypeRegistry.FromMessages(Google.Rpc.ErrorInfo.Descriptor));

        var app = builder.Build();
        app.Lifetime.ApplicationStopped.Register(vaults.Dispose);
        app.MapGrpcService<SignApi>();
        app.MapGrpcService<SignerApi>();
        app.MapGrpcService<IdentityApi>();
        app.MapGrpcService<MemberApi>();
        app.MapGrpcService<ApprovalApi>();
        app.MapGrpcService<AuditApi>();
        app.MapGrpcService<TokenApi>();
        app.MapGrpcService<WebhookApi>();
        app.MapGet("/healthz", () => "ok");
        return app;
    }

    /// <summary>Refuses a directory <c>init</c> has not prepared, before anything is written to it.</summary>
    public static void RequireInitialized(DatabaseLocation location)
    {
        if (!location.IsInitialized())
        {
            var database = location.Database is null ? "" : " --database ...";
            throw new InvalidOperationException($"{location} is not initialized; run `codesign-server init --data-dir {location.DataDir}{database}` first");
        }
    }

    /// <summary>The URL the server really listens on (port 0 resolved).</summary>
    public static Uri ListeningUrl(WebApplication app, ServerOptions options)
    {
        var bound = new Uri(app.Urls.First());
        return new UriBuilder(options.Plaintext ? "http" : "https", options.ListenHost, bound.Port).Uri;
    }
}
