using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using CodeSigning.Server.Audit;
using CodeSigning.Server.Domain;
using CodeSigning.Server.Keys;
using CodeSigning.Server.Storage;
using Microsoft.Extensions.Logging;

namespace CodeSigning.Server.Timestamping;

/// <summary>
/// The RFC 3161 timestamp authority: turns a DER TimeStampReq into a DER TimeStampResp. Every
/// request gets a TimeStampResp, granted or rejected with a PKIStatus and failInfo; nothing a client
/// sends makes it throw. The certificate is re-read from the store every minute, so a
/// <c>tsa-rotate</c> reaches every running replica without a restart.
/// </summary>
public sealed class TimestampAuthority
{
    private const string TstInfoContentType = "1.2.840.113549.1.9.16.1.4";
    private const string Sha256Oid = "2.16.840.1.101.3.4.2.1";
    private const string Sha1Oid = "1.3.14.3.2.26";
    private static readonly TimeSpan RotationCheck = TimeSpan.FromMinutes(1);

    /// <summary>The imprint algorithms accepted, with the digest length each must have.</summary>
    private static readonly Dictionary<string, int> ImprintLengths = new(StringComparer.Ordinal)
    {
        [Sha256Oid] = 32,
        ["2.16.840.1.101.3.4.2.2"] = 48,
        ["2.16.840.1.101.3.4.2.3"] = 64,
    };

    private readonly IStore _store;
    private readonly KeyVaults _vaults;
    private readonly ServerIdentity _server;
    private readonly SerialNumberAllocator _serials;
    private readonly TimestampAudit _audit;
    private readonly TimeProvider _clock;
    private readonly ILogger<TimestampAuthority> _logger;
    private readonly Oid _policy;
    private readonly Lock _reloadGate = new();
    private volatile TimestampSigningKey _key;
    private long _checkedAtTicks;

    /// <summary>Loads the TSA identity, making it in the default vault on the server's first start.</summary>
    public TimestampAuthority(TimestampingOptions options, IStore store, KeyVaults vaults, ServerIdentity server, AuditLog auditLog,
        SerialNumberAllocator serials, TimestampAudit audit, TimeProvider clock, ILogger<TimestampAuthority> logger)
    {
        _store = store;
        _vaults = vaults;
        _server = server;
        _serials = serials;
        _audit = audit;
        _clock = clock;
        _logger = logger;
        _policy = new Oid(options.PolicyOid);
        TimestampAuthorityIdentity identity;
        // The write lock makes replicas starting together agree on one identity.
        using (var session = store.Begin())
        {
            identity = TimestampAuthorityIdentity.Find(session)
                ?? TimestampAuthorityIdentity.Create(session, vaults.Vault(""), vaults.Software, server.Ca, auditLog, "first start", clock.GetUtcNow());
            session.Commit();
        }
        _key = Load(identity);
        _checkedAtTicks = clock.GetUtcNow().UtcTicks;
    }

    /// <param name="request">The request body, at most <see cref="TimestampingOptions.MaxRequestBytes"/>.</param>
    /// <param name="oversized">The body was longer than that and was not read.</param>
    /// <returns>A DER TimeStampResp.</returns>
    public byte[] Respond(ReadOnlyMemory<byte> request, bool oversized, string remoteAddress)
    {
        if (oversized)
        {
            return Reject(TimestampFailure.BadDataFormat, $"the request is larger than {TimestampingOptions.MaxRequestBytes} bytes", remoteAddress);
        }
        Rfc3161TimestampRequest parsed;
        try
        {
            if (!Rfc3161TimestampRequest.TryDecode(request, out parsed!, out var consumed) || consumed != request.Length)
            {
                return Reject(TimestampFailure.BadDataFormat, "the body is not a DER TimeStampReq (RFC 3161)", remoteAddress);
            }
        }
        catch (Exception e) when (e is CryptographicException or System.Formats.Asn1.AsnContentException)
        {
            return Reject(TimestampFailure.BadDataFormat, "the body is not a DER TimeStampReq (RFC 3161)", remoteAddress);
        }
        if (Refusal(parsed) is { } refusal)
        {
            return Reject(refusal.Failure, refusal.Message, remoteAddress);
        }
        long serial;
        byte[] token;
        try
        {
            serial = _serials.Next();
            token = Sign(parsed, serial);
        }
        // Whatever the vault or the store throws (HSM gone, database down) is the server's failure, not the caller's.
        catch (Exception e) when (e is not OperationCanceledException)
        {
            ServerLog.TimestampFailed(_logger, e);
            return Reject(TimestampFailure.SystemFailure, "the timestamp authority cannot sign now; retry later", remoteAddress);
        }
        _audit.Issued(serial);
        return TimestampResponse.Grant(token);
    }

    private (TimestampFailure Failure, string Message)? Refusal(Rfc3161TimestampRequest request)
    {
        if (request.Version != 1)
        {
            return (TimestampFailure.BadDataFormat, $"TimeStampReq version {request.Version} is not 1");
        }
        var algorithm = request.HashAlgorithmId.Value ?? "";
        if (!ImprintLengths.TryGetValue(algorithm, out var length))
        {
            return (TimestampFailure.BadAlg, algorithm == Sha1Oid
                ? "SHA-1 message imprints are refused; ask for SHA-256, SHA-384 or SHA-512"
                : $"the message imprint algorithm {algorithm} is not SHA-256, SHA-384 or SHA-512");
        }
        if (request.GetMessageHash().Length != length)
        {
            return (TimestampFailure.BadDataFormat, $"the message imprint is {request.GetMessageHash().Length} bytes; {algorithm} digests are {length}");
        }
        if (request.RequestedPolicyId is { } policy && policy.Value != _policy.Value)
        {
            return (TimestampFailure.UnacceptedPolicy, $"this TSA issues under policy {_policy.Value} only, not {policy.Value}");
        }
        if (request.HasExtensions)
        {
            return (TimestampFailure.UnacceptedExtension, "this TSA supports no request extensions");
        }
        return null;
    }

    private byte[] Sign(Rfc3161TimestampRequest request, long serial)
    {
        var key = CurrentKey();
        var now = _clock.GetUtcNow();
        // Whole milliseconds: GeneralizedTime fractions stay short and every verifier reads them.
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
        var info = new Rfc3161TimestampTokenInfo(_policy, request.HashAlgorithmId, request.GetMessageHash(),
            new BigInteger(serial).ToByteArray(isUnsigned: false, isBigEndian: true), now, TimestampingOptions.AccuracyMicroseconds,
            isOrdering: false, nonce: request.GetNonce());
        var content = new SignedCms(new ContentInfo(new Oid(TstInfoContentType), info.Encode()));
        var signer = new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, key.Certificate, key.Key)
        {
            DigestAlgorithm = new Oid(Sha256Oid),
            IncludeOption = request.RequestSignerCertificate ? System.Security.Cryptography.X509Certificates.X509IncludeOption.EndCertOnly
                : System.Security.Cryptography.X509Certificates.X509IncludeOption.None,
        };
        if (request.RequestSignerCertificate)
        {
            signer.Certificates.AddRange(key.Chain);
        }
        signer.SignedAttributes.Add(key.SigningCertificateAttribute);
        content.ComputeSignature(signer, silent: true);
        return content.Encode();
    }

    private byte[] Reject(TimestampFailure failure, string message, string remoteAddress)
    {
        _audit.Rejected(failure, message, remoteAddress);
        return TimestampResponse.Reject(failure, message);
    }

    private TimestampSigningKey CurrentKey()
    {
        var now = _clock.GetUtcNow().UtcTicks;
        if (now - Volatile.Read(ref _checkedAtTicks) < RotationCheck.Ticks)
        {
            return _key;
        }
        lock (_reloadGate)
        {
            if (now - _checkedAtTicks >= RotationCheck.Ticks)
            {
                using (var session = _store.BeginRead())
                {
                    if (TimestampAuthorityIdentity.FindCertificate(session) is { } stored && !stored.AsSpan().SequenceEqual(_key.CertificateDer)
                        && TimestampAuthorityIdentity.Find(session) is { } identity)
                    {
                        _key = Load(identity);
                    }
                }
                Volatile.Write(ref _checkedAtTicks, now);
            }
            return _key;
        }
    }

    private TimestampSigningKey Load(TimestampAuthorityIdentity identity)
    {
        var key = new TimestampSigningKey(identity, _server.Ca, _vaults.Vault(identity.VaultKind));
        ServerLog.TimestampCertificate(_logger, key.Certificate.SerialNumber, identity.VaultKind, key.Certificate.NotAfter.ToUniversalTime());
        return key;
    }
}
