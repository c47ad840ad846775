using CodeSigning.Server.Audit;
using CodeSigning.Server.Domain;
using CodeSigning.Server.Storage;
using CodeSigning.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace CodeSigning.Server.Api;

/// <summary>Stored records to contract messages.</summary>
internal static class ProtoMapping
{
    public static Timestamp ToProto(this DateTimeOffset time) => Timestamp.FromDateTimeOffset(time);

    public static V1.Signer ToProto(this SignerView view) => new()
    {
        Id = view.Signer.Id,
        Name = view.Signer.Name,
        Description = view.Signer.Description,
        KeyAlgorithm = view.Signer.KeyAlgorithm,
        Enabled = view.Signer.Enabled,
        CertificateAuthority = view.Signer.CertificateAuthority,
        PublicKey = ByteString.CopyFrom(view.Signer.PublicKey),
        CertificateChain = { view.Signer.Chain.Select(ByteString.CopyFrom) },
        CreatedAt = view.Signer.CreatedAt.ToProto(),
        CallerRole = view.CallerRole,
        ApprovalRequired = view.ApprovalRequired,
        CertificateRequestPending = view.Signer.PendingCsr is not null,
        KeyVault = view.Signer.KeyVault,
        ArchivedAt = view.Signer.ArchivedAt?.ToProto(),
        PreviousCertificates = { view.PreviousCertificates.Select(ByteString.CopyFrom) },
    };

    public static User ToProto(this UserRecord user) => new()
    {
        Id = user.Id,
        Name = user.Name,
        DisplayName = user.DisplayName,
        Email = user.Email,
        ProductAdmin = user.ProductAdmin,
        Enabled = user.Enabled,
        CreatedAt = user.CreatedAt.ToProto(),
        ArchivedAt = user.ArchivedAt?.ToProto(),
    };

    public static ApiKey ToProto(this ApiKeyRecord key)
    {
        var proto = new ApiKey
        {
            Id = key.Id,
            UserId = key.UserId,
            UserName = key.UserName,
            Description = key.Description,
            CreatedAt = key.CreatedAt.ToProto(),
            ExpiresAt = key.ExpiresAt.ToProto(),
            Revoked = key.Revoked,
            CreatedByApiKeyId = key.CreatedByKeyId ?? "",
        };
        if (key.LastUsedAt is { } used)
        {
            proto.LastUsedAt = used.ToProto();
        }
        return proto;
    }

    public static ServiceAccount ToProto(this ServiceAccountView view) => new()
    {
        Id = view.Account.Id,
        Name = view.Account.Name,
        Description = view.Account.Description,
        ClientId = view.Account.ClientId,
        Enabled = view.Account.Enabled,
        Keys = { view.Keys.Select(ToProto) },
        CreatedAt = view.Account.CreatedAt.ToProto(),
        ArchivedAt = view.Account.ArchivedAt?.ToProto(),
    };

    public static ServiceAccountKey ToProto(this ServiceAccountKeyRecord key) => new()
    {
        KeyId = key.KeyId,
        Algorithm = key.Algorithm,
        PublicKey = ByteString.CopyFrom(key.PublicKey),
        Fingerprint = key.Fingerprint,
        CreatedAt = key.CreatedAt.ToProto(),
    };

    public static Member ToProto(this MemberRecord member) => new() { SignerId = member.SignerId, Principal = member.Principal.ToRef(), Role = member.Role };

    public static Group ToProto(this GroupView view) => new()
    {
        Id = view.Group.Id,
        Name = view.Group.Name,
        Description = view.Group.Description,
        Members = { view.Members.Select(m => m.ToRef()) },
    };

    public static ApprovalPolicy ToProto(this PolicyRecord policy) => new()
    {
        SignerId = policy.SignerId,
        Approvers = { policy.Approvers.Select(a => a.ToRef()) },
        ApprovalsRequired = policy.ApprovalsRequired,
        MaxSignaturesPerGrant = policy.MaxSignaturesPerGrant,
        MaxGrantWindow = Duration.FromTimeSpan(policy.MaxGrantWindow),
        RequestTtl = Duration.FromTimeSpan(policy.RequestTtl),
        AllowSelfPreapproval = policy.AllowsSelfPreapproval,
    };

    public static SigningRequest ToProto(this SigningRequestView view) => new()
    {
        Id = view.Request.Id,
        SignerId = view.Request.SignerId,
        SignerName = view.SignerName,
        Requester = view.Request.Requester.ToRef(),
        Justification = view.Request.Justification,
        SignatureCount = view.Request.SignatureCount,
        Window = Duration.FromTimeSpan(view.Request.Window),
        State = view.Request.State,
        Decisions =
        {
            view.Decisions.Select(d => new Decision { Approver = d.Approver.ToRef(), Approved = d.Approved, Comment = d.Comment, DecidedAt = d.DecidedAt.ToProto() }),
        },
        CreatedAt = view.Request.CreatedAt.ToProto(),
        ExpiresAt = view.Request.ExpiresAt.ToProto(),
        GrantId = view.Request.GrantId ?? "",
        Approvals = view.Approvals,
        ApprovalsRequired = view.ApprovalsRequired,
    };

    public static Grant ToProto(this GrantRecord grant) => new()
    {
        Id = grant.Id,
        SignerId = grant.SignerId,
        Grantee = grant.Grantee.ToRef(),
        SignaturesAllowed = grant.Allowed,
        SignaturesUsed = grant.Used,
        NotBefore = grant.NotBefore.ToProto(),
        NotAfter = grant.NotAfter.ToProto(),
        RequestId = grant.RequestId ?? "",
        GrantedBy = grant.GrantedBy.ToRef(),
        Revoked = grant.Revoked,
    };

    /// <summary>Never the secret.</summary>
    public static Webhook ToProto(this WebhookRecord webhook, string signerName) => new()
    {
        Id = webhook.Id,
        Url = webhook.Url,
        EventTypes = { webhook.EventTypes },
        SignerId = webhook.SignerId ?? "",
        SignerName = signerName,
        CreatedAt = webhook.CreatedAt.ToProto(),
        CreatedBy = webhook.CreatedBy.ToRef(),
    };

    public static WebhookDelivery ToProto(this WebhookDeliveryRecord delivery)
    {
        var proto = new WebhookDelivery
        {
            Id = delivery.Id,
            WebhookId = delivery.WebhookId,
            EventId = delivery.EventId,
            EventType = delivery.EventType,
            SignerName = delivery.SignerName,
            State = delivery.State,
            Attempts = delivery.Attempts,
            LastStatusCode = delivery.LastStatus,
            LastError = delivery.LastError,
            CreatedAt = delivery.CreatedAt.ToProto(),
        };
        if (delivery.State == WebhookDeliveryState.Pending)
        {
            proto.NextAttemptAt = delivery.NextAttemptAt.ToProto();
        }
        if (delivery.DeliveredAt is { } delivered)
        {
            proto.DeliveredAt = delivered.ToProto();
        }
        return proto;
    }

    public static AuditEvent ToProto(this AuditRecord record) => new()
    {
        Sequence = record.Sequence,
        Id = record.Id,
        Time = record.Time.ToProto(),
        Type = record.Type,
        Outcome = record.Outcome,
        Actor = record.Actor?.ToRef(),
        SignerId = record.SignerId,
        SignerName = record.SignerName,
        Reason = record.Reason,
        Client = new ClientContext
        {
            Host = record.Client.Host,
            Process = record.Client.Process,
            Pid = record.Client.Pid,
            CorrelationId = record.Client.CorrelationId,
            Client = record.Client.Client,
        },
        RemoteAddress = record.RemoteAddress,
        Details = { record.Details },
        Hash = ByteString.CopyFrom(record.Hash),
        PreviousHash = ByteString.CopyFrom(record.PreviousHash),
    };

    public static AuditCheckpoint ToProto(this SignedCheckpoint checkpoint) => new()
    {
        Sequence = checkpoint.Sequence,
        Hash = ByteString.CopyFrom(checkpoint.Hash),
        Heads = checkpoint.Heads is null ? ByteString.Empty : ByteString.CopyFrom(checkpoint.Heads),
        Time = checkpoint.Time.ToProto(),
        KeyId = checkpoint.KeyId,
        Signature = ByteString.CopyFrom(checkpoint.Signature),
        Line = checkpoint.ToJsonLine(),
    };
}
