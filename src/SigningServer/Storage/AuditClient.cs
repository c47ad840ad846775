namespace CodeSigning.Server.Storage;

/// <summary>The client context a caller reported, as recorded in the audit log.</summary>
public sealed record AuditClient(string Host, string Process, long Pid, string CorrelationId, string Client)
{
    public static readonly AuditClient None = new("", "", 0, "", "");

    public static AuditClient From(V1.ClientContext? context) => context is null
        ? None
        : new(context.Host, context.Process, context.Pid, context.CorrelationId, context.Client);
}
