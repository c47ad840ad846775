using CodeSigning.Server.Domain;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CodeSigning.Server.WebConsole;

/// <summary>
/// The web console under <c>/console</c> on the server's own (TLS) listener: Razor Pages rendered
/// on the server, a cookie session holding the caller's API key, a strict Content-Security-Policy
/// and the vendored htmx and Pico CSS served from the assembly.
/// </summary>
public static class ConsoleSetup
{
    public const string PathPrefix = "/console";
    public const string Scheme = "Console";
    public const string Policy = "Console";
    private const string AssetsPath = PathPrefix + "/assets";
    private const string AssetsNamespace = "console-assets";

    /// <summary>
    /// No inline script or style anywhere (htmx is configured through a meta tag not to inject its
    /// indicator style); Pico's icons are data: SVG images.
    /// </summary>
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'";

    public static void AddWebConsole(this IServiceCollection services, string dataDir, ServerSettings settings)
    {
        services.AddDataProtection().SetApplicationName("codesign-console");
        // The key ring is kept unencrypted in a directory only the server's user may enter, like the
        // key-encryption key: Data Protection's warning about that says nothing the docs do not.
        services.AddLogging(logging => logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error));
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(provider => new ConfigureOptions<KeyManagementOptions>(
            options => options.XmlRepository = new ConsoleKeyRing(dataDir, provider.GetRequiredService<ILoggerFactory>())));
        services.AddAuthentication().AddCookie(Scheme, cookie =>
        {
            // __Host-: the browser keeps it to this origin, path / and HTTPS.
            cookie.Cookie.Name = "__Host-codesign-console";
            cookie.Cookie.Path = "/";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.ExpireTimeSpan = settings.ConsoleIdleTimeout;
            cookie.SlidingExpiration = true;
            cookie.LoginPath = PathPrefix + "/sign-in";
            cookie.AccessDeniedPath = PathPrefix + "/sign-in";
            cookie.Events.OnValidatePrincipal = ConsoleCaller.ValidateAsync;
        });
        services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser());
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "__Host-codesign-console-af";
            antiforgery.Cookie.Path = "/";
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.HeaderName = "X-CSRF-Token";
        });
        services.AddRazorPages(pages =>
            {
                pages.RootDirectory = "/WebConsole/Pages";
                pages.Conventions.AuthorizeFolder("/", Policy);
                pages.Conventions.AllowAnonymousToPage("/SignIn");
                pages.Conventions.AllowAnonymousToPage("/SignOut");
                pages.Conventions.AddFolderRouteModelConvention("/", model =>
                {
                    foreach (var selector in model.Selectors)
                    {
                        // Every page names its route from the root ("/signers/{name}"); all live under /console.
                        selector.AttributeRouteModel!.Template = PathPrefix.TrimStart('/') + "/" + selector.AttributeRouteModel.Template?.TrimStart('~', '/');
                    }
                });
            })
            .AddCookieTempDataProvider(tempData =>
            {
                tempData.Cookie.Name = "__Host-codesign-console-msg";
                tempData.Cookie.Path = "/";
                tempData.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                tempData.Cookie.SameSite = SameSiteMode.Strict;
            });
    }

    public static void UseWebConsole(this WebApplication app)
    {
        app.Use(SecurityHeaders);
        app.UseStaticFiles(new StaticFileOptions
        {
            RequestPath = AssetsPath,
            FileProvider = new EmbeddedFileProvider(typeof(ConsoleSetup).Assembly, AssetsNamespace),
        });
        // Authentication and authorization are the server's one pipeline (Hosting/ServerHost): the
        // pages carry the Console policy, sign-in and sign-out are anonymous.
        app.MapRazorPages();
    }

    private static Task SecurityHeaders(HttpContext context, Func<Task> next)
    {
        if (context.Request.Path.StartsWithSegments(PathPrefix, StringComparison.Ordinal))
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            if (!context.Request.Path.StartsWithSegments(AssetsPath, StringComparison.Ordinal))
            {
                headers.CacheControl = "no-store";
            }
        }
        return next();
    }
}
