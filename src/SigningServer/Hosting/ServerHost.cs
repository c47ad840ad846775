using System.Security.Cryptography.X509Certificates;
using CodeSigning.Server.Api;
using CodeSigning.Server.Audit;
using CodeSigning.Server.Auth;
using CodeSigning.Server.Domain;
using CodeSigning.Server.Keys;
using CodeSigning.Server.Notifications;
using CodeSigning.Server.Storage;
using CodeSigning.Server.Timestamping;
using CodeSigning.Server.Telemetry;
using Microsoft.AspNetCore.Authorization;
using CodeSigning.Server.WebConsole;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.OpenApi.Models;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace CodeSigning.Server.Hosting;

/// <summary>Builds the web application: Kestrel, the gRPC services with JSON transcoding, OpenAPI, metrics and health.</summary>
public static class ServerHost
{
    /// <summary>
    /// The largest gRPC message accepted: the largest legitimate call (a Signer created with an
    /// imported RSA-4096 key and a certificate chain) is a few KB, and FieldLimits bound every string.
    /// </summary>
    public const int MaxMessageSize = 1024 * 1024;

    /// <summary>The largest REST body: the same message as JSON, bytes in base64.</summary>
    public const long MaxRestBodySize = 2 * 1024 * 1024;

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
        var vaults = KeyVaults.Open(options.DataDir, options.DefaultKeyVault, options.Hsm);

        // No appsettings reload: its watcher on the content root (the data directory) woke at every
        // database write, about 5% of the server's CPU under signing load (docs/performance.md).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = options.DataDir, Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        builder.Logging.ClearProviders();
        // Logs go to stderr: stdout carries only the lines scripts read ("listening on ...").
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ "; o.UseUtcTimestamp = true; });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // Its base class logs every failure and challenge; the Authenticator logs each failure once.
        builder.Logging.AddFilter(typeof(CredentialAuthenticationHandler).FullName, LogLevel.Warning);
        configureLogging?.Invoke(builder.Logging);
        var listeners = new Listeners();
        var timestamping = options.TimestampingOrDefault;
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = MaxRestBodySize);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(options.ListenAddress, options.ListenPort, listen =>
            {
                listeners.Main = listen;
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
            });
            if (options.TimestampListen is { } tsa)
            {
                // Plain HTTP/1.1, what signing tools expect of a TSA URL; marked so that it serves /tsa and nothing else.
                kestrel.Listen(tsa.Address, tsa.Port, listen =>
                {
                    listeners.Timestamp = listen;
                    listen.Protocols = HttpProtocols.Http1;
                    listen.Use(next => connection =>
                    {
                        connection.Features.Set(TimestampListenerFeature.Instance);
                        return next(connection);
                    });
                });
            }
        });

        var services = builder.Services;
        services.AddSingleton(settings);
        services.AddSingleton(new WebhookDeliveryOptions(settings.WebhookMaxAttempts, settings.WebhookRetryDelay, settings.WebhookMaxRetryDelay,
            settings.WebhookTimeout, settings.WebhookPollInterval));
        services.AddSingleton(clock);
        services.AddSingleton<IStore>(store);
        services.AddSingleton(vaults);
        services.AddSingleton(identity);
        services.AddSingleton(provider => ActivatorUtilities.CreateInstance<AuthFailureLimiter>(provider, settings.AuthFailuresPerMinute));
        foreach (var observer in AuditObservers())
        {
            services.AddSingleton<IAuditObserver>(observer);
        }
        services.AddSingleton<AuditLog>();
        services.AddSingleton(AuditCheckpointKey.LoadOrCreate(options.DataDir));
        services.AddSingleton(provider => ActivatorUtilities.CreateInstance<AuditCheckpoints>(provider, options.DataDir));
        services.AddHostedService<AuditCheckpointService>();
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
        services.AddSingleton(listeners);
        services.AddSingleton(timestamping);
        if (timestamping.Access != TimestampAccess.Off)
        {
            services.AddSingleton<SerialNumberAllocator>();
            services.AddSingleton<TimestampAudit>();
            services.AddSingleton<TimestampAuthority>();
            services.AddTimestampRateLimit(timestamping);
        }
        services.AddSingleton<WebhookManager>();
        services.AddHostedService<WebhookDispatcher>();
        // No default scheme: a credential is read only where an endpoint requires one, so that an
        // anonymous call's stray header is neither audited nor counted as a failure.
        services.AddAuthentication()
            .AddScheme<CredentialAuthenticationOptions, CredentialAuthenticationHandler>(CredentialAuthenticationHandler.SchemeName,
                credential => credential.WriteRefusal = AuthenticationRefusal.WriteAsync);
        // Default deny: every endpoint (gRPC method, REST route) requires an authenticated caller
        // unless marked [AllowAnonymous] / AllowAnonymous().
        services.AddAuthorization(authorization => authorization.FallbackPolicy =
            new AuthorizationPolicyBuilder(CredentialAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build());
        // REST errors carry the same google.rpc.Status details as gRPC ones: the JSON writer must know ErrorInfo.
        services.AddGrpc(grpc =>
            {
                grpc.Interceptors.Add<ErrorInterceptor>();
                grpc.Interceptors.Add<FieldLimitInterceptor>();
                grpc.MaxReceiveMessageSize = MaxMessageSize;
            })
            .AddJsonTranscoding(json => json.TypeRegistry = Google.Protobuf.Reflection.TypeRegistry.FromMessages(Google.Rpc.ErrorInfo.Descriptor));
        services.AddGrpcSwagger();
        services.AddSwaggerGen(swagger =>
        {
            swagger.SwaggerDoc(OpenApiDocumentName, new OpenApiInfo { Title = "CodeSigning API", Version = ServerVersion.Current });
            var bearer = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An API key (csk_...) or a service account's access token (cst_...)",
                Reference = new OpenApiReference { Type = ReferenceType.SecurityScheme, Id = "bearer" },
            };
            swagger.AddSecurityDefinition("bearer", bearer);
            swagger.AddSecurityRequirement(new OpenApiSecurityRequirement { [bearer] = [] });
        });
        services.AddSingleton<ApprovalRequestGauge>();
        services.AddWebConsole(options.DataDir, settings);
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("codesign-server", serviceVersion: ServerVersion.Current))
            .WithMetrics(metrics => metrics.AddMeter(ServerMetrics.MeterName)
                // No cached scrape: two scrapers (or a test) right after each other see the same truth.
                .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));

        var app = builder.Build();
        app.Lifetime.ApplicationStopped.Register(vaults.Dispose);
        if (store is IDisposable disposableStore)
        {
            // The SQLite store keeps idle connections open with their compiled statements.
            app.Lifetime.ApplicationStopped.Register(disposableStore.Dispose);
        }
        app.Use((context, next) =>
        {
            if (context.Features.Get<TimestampListenerFeature>() is not null && context.Request.Path != TimestampEndpoint.Path)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }
            return next(context);
        });
        if (timestamping.Access != TimestampAccess.Off)
        {
            // Made now, not at the first request: the first start creates the TSA key and certificate.
            _ = app.Services.GetRequiredService<TimestampAuthority>();
            app.MapTimestampAuthority(timestamping);
        }
        app.UseWebConsole();
        app.MapGrpcService<SignApi>();
        app.MapGrpcService<SignerApi>();
        app.MapGrpcService<IdentityApi>();
        app.MapGrpcService<MemberApi>();
        app.MapGrpcService<ApprovalApi>();
        app.MapGrpcService<AuditApi>();
        app.MapGrpcService<TokenApi>();
        app.MapGrpcService<WebhookApi>();
        // Created now, not at the first scrape: the gauge registers itself with the meter.
        app.Services.GetRequiredService<ApprovalRequestGauge>();
        app.Use(MetricsForLoopbackOnly);
        app.UseOpenTelemetryPrometheusScrapingEndpoint(MetricsPath);
        app.UseSwagger(swagger => swagger.RouteTemplate = "openapi/{documentName}.json");
        // /metrics and /openapi/v1.json are answered above, anonymously; everything below is authorized.
        app.Use(AnswerUnrouted);
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/healthz", () => "ok").AllowAnonymous();
        var readinessLog = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("CodeSigning.Server.Readiness");
        app.MapGet("/readyz", (IStore store, KeyVaults vaults) => Unreachable(store, vaults, readinessLog) is { } what
            ? Results.Text($"{what} unreachable; the server log has the details\n", statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Text("ready")).AllowAnonymous();
        return app;
    }

    public const string OpenApiDocumentName = "v1";

    public const string MetricsPath = "/metrics";

    /// <summary>
    /// Metrics name Signers and show activity: anonymous, but only to a scraper on this host (a
    /// local Prometheus or agent, or a reverse proxy that decides who may read them).
    /// </summary>
    internal static Task MetricsForLoopbackOnly(HttpContext context, Func<Task> next)
    {
        if (context.Request.Path.Equals(MetricsPath, StringComparison.Ordinal) && context.Connection.RemoteIpAddress is { } remote
            && !System.Net.IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return context.Response.WriteAsync("metrics are served to loopback callers only\n");
        }
        return next();
    }

    /// <summary>
    /// A request that matched no route (404), or none of its route's verbs (routing's 405 endpoint,
    /// the one without metadata), runs none of the server's code: answered before authorization, as
    /// without it, instead of as a missing credential.
    /// </summary>
    private static Task AnswerUnrouted(HttpContext context, Func<Task> next)
    {
        switch (context.GetEndpoint())
        {
            case null:
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            case { Metadata.Count: 0, RequestDelegate: { } rejection }:
                return rejection(context);
            default:
                return next();
        }
    }

    /// <summary>For load balancers: one real read from the store and a round trip to each key vault.</summary>
    /// <returns>Null when ready; else what is unreachable (the error goes to the log only: the route is anonymous).</returns>
    private static string? Unreachable(IStore store, KeyVaults vaults, ILogger logger)
    {
        string what;
        Exception error;
        try
        {
            using var session = store.BeginRead();
            _ = session.LastAuditEvent();
            if (vaults.Probe() is not { } failed)
            {
                return null;
            }
            (what, error) = ($"key vault '{failed.Vault.Kind}'", failed.Error);
        }
        catch (Exception e)
        {
            (what, error) = ("store", e);
        }
        ServerLog.NotReady(logger, what, error);
        return what;
    }

    /// <summary>What the audit log tells of each event, for the server and the commands that append offline alike.</summary>
    public static IAuditObserver[] AuditObservers() => [new WebhookOutbox()];

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
    public static Uri ListeningUrl(WebApplication app, ServerOptions options) =>
        new UriBuilder(options.Plaintext ? "http" : "https", options.ListenHost, app.Services.GetRequiredService<Listeners>().Main!.IPEndPoint!.Port).Uri;

    /// <summary>The timestamp authority's URL on the <c>--tsa-listen</c> listener (port 0 resolved); null without one.</summary>
    public static Uri? TimestampListenUrl(WebApplication app, ServerOptions options) =>
        options.TimestampListen is { } tsa
            ? new UriBuilder("http", tsa.Host, app.Services.GetRequiredService<Listeners>().Timestamp!.IPEndPoint!.Port, TimestampEndpoint.Path).Uri
            : null;

    /// <summary>Kestrel's endpoints as configured; their ports are the bound ones once the server started.</summary>
    internal sealed class Listeners
    {
        public ListenOptions? Main { get; set; }
        public ListenOptions? Timestamp { get; set; }
    }

    /// <summary>Set on the connections of the <c>--tsa-listen</c> listener.</summary>
    private sealed class TimestampListenerFeature
    {
        public static readonly TimestampListenerFeature Instance = new();
    }
}
