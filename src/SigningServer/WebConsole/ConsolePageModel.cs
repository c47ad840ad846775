using System.Globalization;
using CodeSigning.Server.Audit;
using CodeSigning.Server.Domain;
using CodeSigning.V1;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.DependencyInjection;

namespace CodeSigning.Server.WebConsole;

/// <summary>
/// A console page: it acts as the signed-in caller through the same domain services as the API,
/// so a role may do here exactly what it may do there. A refusal is shown on the page with the
/// HTTP status the REST API would answer; every change is a POST followed by a redirect.
/// </summary>
public abstract class ConsolePageModel : PageModel
{
    /// <summary>The caller this request authenticated as, audited with the client "console".</summary>
    public Caller Caller => ConsoleCaller.Of(HttpContext);

    [TempData]
    public string? Notice { get; set; }

    public string? Failure { get; private set; }

    /// <summary>Reads what the page shows.</summary>
    protected abstract void Load();

    public virtual IActionResult OnGet() => Show();

    protected IActionResult Show()
    {
        try
        {
            Load();
        }
        catch (ServiceException e)
        {
            Refuse(e);
        }
        return Page();
    }

    /// <summary>Runs one change: on success back to the page with <paramref name="change"/>'s notice, else the page with the refusal.</summary>
    /// <param name="next">Where to go on success; default: this page again.</param>
    protected IActionResult Change(Func<string> change, Func<IActionResult>? next = null)
    {
        try
        {
            Notice = change();
            return next?.Invoke() ?? RedirectToPage();
        }
        catch (ServiceException e)
        {
            return Refused(e);
        }
    }

    /// <summary>The page again, with the refusal and the status the REST API would answer.</summary>
    protected IActionResult Refused(ServiceException e)
    {
        Refuse(e);
        try
        {
            Load();
        }
        catch (ServiceException)
        {
            // The refusal already shown says why; the page shows what it could read.
        }
        return Page();
    }

    /// <summary>
    /// The length limits the gRPC and REST API enforce (docs/api.md), checked before the domain sees
    /// the request; a value over its limit is refused and audited as <c>request.invalid</c> (its name
    /// and length, never its value), as the API's interceptor does.
    /// </summary>
    protected T Limited<T>(T request) where T : IMessage
    {
        if (Api.FieldLimits.FirstViolation(request) is not { } violation)
        {
            return request;
        }
        var length = violation.Length.ToString(CultureInfo.InvariantCulture);
        var limit = violation.Limit.ToString(CultureInfo.InvariantCulture);
        var entry = new AuditEntry(AuditEventTypes.RequestInvalid, AuditOutcome.Denied, Caller.Principal, Caller.Client, Caller.RemoteAddress)
        {
            Reason = ProtoNames.Of(ErrorReason.InvalidArgument),
        };
        entry.Details["method"] = $"console {Request.Method} {Request.Path}";
        entry.Details["field"] = violation.Field;
        entry.Details["length"] = length;
        entry.Details["limit"] = limit;
        HttpContext.RequestServices.GetRequiredService<Operations>().Record(entry);
        throw ServiceException.InvalidArgument(violation.Field, $"{violation.Field} holds {length} characters, more than its limit of {limit}");
    }

    private void Refuse(ServiceException e)
    {
        Failure = e.Message;
        Response.StatusCode = e.Status switch
        {
            Grpc.Core.StatusCode.InvalidArgument or Grpc.Core.StatusCode.OutOfRange => StatusCodes.Status400BadRequest,
            Grpc.Core.StatusCode.Unauthenticated => StatusCodes.Status401Unauthorized,
            Grpc.Core.StatusCode.PermissionDenied => StatusCodes.Status403Forbidden,
            Grpc.Core.StatusCode.NotFound => StatusCodes.Status404NotFound,
            Grpc.Core.StatusCode.AlreadyExists or Grpc.Core.StatusCode.FailedPrecondition or Grpc.Core.StatusCode.Aborted => StatusCodes.Status409Conflict,
            Grpc.Core.StatusCode.ResourceExhausted => StatusCodes.Status429TooManyRequests,
            Grpc.Core.StatusCode.Unavailable => StatusCodes.Status503ServiceUnavailable,
            _ => StatusCodes.Status500InternalServerError,
        };
    }
}
