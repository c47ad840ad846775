using System.Globalization;
using CodeSigning.Server.Audit;
using CodeSigning.Server.Auth;
using CodeSigning.Server.Storage;
using CodeSigning.Server.Domain;
using CodeSigning.V1;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace CodeSigning.Server.Api;

/// <summary>
/// Refuses a request holding a field over its <see cref="FieldLimits"/> with INVALID_ARGUMENT
/// (metadata <c>field</c>) before its handler runs. The refusal is audited as <c>request.invalid</c>
/// with the field's name and length only, never its value.
/// </summary>
public sealed class FieldLimitInterceptor(Operations operations) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Check(request, context);
        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(request, context);
        return continuation(request, responseStream, context);
    }

    private void Check(object request, ServerCallContext context)
    {
        if (request is not IMessage message || FieldLimits.FirstViolation(message) is not { } violation)
        {
            return;
        }
        // Who sent it: the pipeline authenticated every call but the anonymous ones (token exchange).
        var caller = context.GetHttpContext().AuthenticatedCaller();
        var length = violation.Length.ToString(CultureInfo.InvariantCulture);
        var limit = violation.Limit.ToString(CultureInfo.InvariantCulture);
        var entry = new AuditEntry(AuditEventTypes.RequestInvalid, AuditOutcome.Denied, caller?.Principal, AuditClient.None, context.RemoteAddress())
        {
            Reason = ProtoNames.Of(ErrorReason.InvalidArgument),
        };
        entry.Details["method"] = context.Method;
        entry.Details["field"] = violation.Field;
        entry.Details["length"] = length;
        entry.Details["limit"] = limit;
        operations.Record(entry);
        throw ServiceException.InvalidArgument(violation.Field, $"{violation.Field} holds {length}, more than its limit of {limit} (docs/api.md)");
    }
}
