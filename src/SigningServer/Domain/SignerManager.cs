using System.Security.Cryptography.X509Certificates;
using CodeSigning.Server.Audit;
using CodeSigning.Server.Ca;
using CodeSigning.Server.Keys;
using CodeSigning.Server.Storage;
using CodeSigning.V1;
using Grpc.Core;

namespace CodeSigning.Server.Domain;

/// <summary>Signers: creation with their key (generated, or imported from a key file) and certificate, enabling, certificate export, import and renewal.</summary>
public sealed class SignerManager(Operations operations, KeyVaults vaults, ServerIdentity identity, ServerSettings settings, TimeProvider clock)
{
    public IReadOnlyList<SignerView> List(Caller caller) => operations.Read(caller, AuditEventTypes.SignerList, (session, _) =>
        session.ListSigners()
            .Select(s => (Signer: s, Role: SignerAccess.EffectiveRole(session, caller.Principal, s.Id)))
            .Where(x => caller.ProductAdmin || x.Role != Role.Unspecified)
            .Select(x => SignerView.Of(session, x.Signer, x.Role))
            .ToList());

    public SignerView Get(Caller caller, string signerRef) => operations.Read(caller, AuditEventTypes.SignerRead, (session, scope) =>
    {
        var (signer, role) = SignerAccess.Require(session, caller, signerRef, Capability.View, "view this Signer", scope);
        return SignerView.Of(session, signer, role);
    });

    public SignerView Create(Caller caller, CreateSignerRequest request)
    {
        // Generated before the transaction: an RSA 4096 key takes seconds and must not hold the
        // store's write lock.
        var vault = caller.ProductAdmin && IsKnown(request.KeyAlgorithm) && request.ImportPrivateKey.IsEmpty ? TryVault(request.KeyVault) : null;
        var key = vault?.Generate(request.KeyAlgorithm, $"codesign signer {request.Name}");
        try
        {
            return operations.Change(caller, AuditEventTypes.SignerCreated, (session, scope) => CreateInTransaction(session, scope, caller, request, key));
        }
        catch when (key is not null)
        {
            // An HSM keeps what it generated: remove the key of a refused Signer.
            vault!.Discard(key.KeyReference);
            throw;
        }
    }

    private SignerView CreateInTransaction(IStoreSession session, OperationScope scope, Caller caller, CreateSignerRequest request, VaultKey? key)
    {
        caller.RequireProductAdmin("create Signers");
        var name = Names.Validate(request.Name, "name");
        var vault = vaults.Vault(request.KeyVault);
        scope.Details["key_vault"] = vault.Kind;
        var imported = !request.ImportPrivateKey.IsEmpty;
        if (imported)
        {
            key = Import(vault, request);
        }
        else if (!IsKnown(request.KeyAlgorithm))
        {
            throw ServiceException.InvalidArgument("key_algorithm", "key_algorithm is required (RSA 2048/3072/4096, EC P-256/P-384/P-521)");
        }
        var authority = request.CertificateAuthority;
        if (request.ImportCertificateChain.Count > 0)
        {
            if (!imported)
            {
                throw ServiceException.InvalidArgument("import_certificate_chain", "a certificate chain comes with an imported key (import_private_key)");
            }
            if (authority == CertificateAuthorityKind.Internal)
            {
                throw ServiceException.InvalidArgument("certificate_authority", "an imported certificate chain comes from an external CA: use certificate_authority external");
            }
            authority = CertificateAuthorityKind.External;
        }
        if (authority == CertificateAuthorityKind.Unspecified || !Enum.IsDefined(authority))
        {
            throw ServiceException.InvalidArgument("certificate_authority", "certificate_authority is required (internal or external)");
        }
        var subject = ValidSubject(request.Subject.Length > 0 ? request.Subject : $"CN={name}");
        var validity = Validity(request.Validity);
        var members = request.Members.Select((m, i) => new MemberRecord("", PrincipalResolver.Resolve(session, m.Principal, $"members[{i}].principal", joining: true),
            Enum.IsDefined(m.Role) && m.Role != Role.Unspecified ? m.Role : throw ServiceException.InvalidArgument($"members[{i}].role", "a role is required"))).ToList();
        if (!members.Any(m => m.Role == Role.Administrator))
        {
            throw ServiceException.InvalidArgument("members", "at least one member must be an Administrator");
        }
        if (members.Select(m => m.Principal.Id).Distinct().Count() != members.Count)
        {
            throw ServiceException.InvalidArgument("members", "a principal is listed twice");
        }
        if (session.FindSigner(name) is not null)
        {
            throw ServiceException.NameTaken("Signer", name);
        }

        key ??= vault.Generate(request.KeyAlgorithm, $"codesign signer {name}");
        var now = clock.GetUtcNow();
        var signer = new SignerRecord(Guid.CreateVersion7().ToString("N"), name, request.Description, key.Algorithm, true,
            authority, subject, key.KeyReference, key.PublicKey, [], null, now, vault.Kind);
        signer = request.ImportCertificateChain.Count > 0
            ? signer with { Chain = ValidChain(key.PublicKey, request.ImportCertificateChain.Select(c => c.ToByteArray()), now) }
            : authority == CertificateAuthorityKind.Internal
            ? signer with { Chain = InternalCertificateAuthority.Issue(vaults.Software, identity.Ca, key.PublicKey, subject, validity, now) }
            : signer with { PendingCsr = CertificateSigningRequestBuilder.CreatePem(vault, key.KeyReference, key.PublicKey, key.Algorithm, subject) };
        session.InsertSigner(signer);
        foreach (var member in members)
        {
            session.SetMember(member with { SignerId = signer.Id });
            scope.Details[$"member.{ProtoNames.Of(member.Principal.Kind)}.{member.Principal.Name}"] = RoleNames.Of(member.Role);
        }
        scope.Signer = signer;
        scope.Details["key_algorithm"] = ProtoNames.Of(signer.KeyAlgorithm);
        scope.Details["certificate_authority"] = ProtoNames.Of(signer.CertificateAuthority);
        scope.Details["key_origin"] = imported ? "imported" : "generated";
        return SignerView.Of(session, signer, SignerAccess.EffectiveRole(session, caller.Principal, signer.Id));
    }

    public SignerView SetEnabled(Caller caller, string signerRef, bool enabled) =>
        operations.Change(caller, enabled ? AuditEventTypes.SignerEnabled : AuditEventTypes.SignerDisabled, (session, scope) =>
        {
            var (signer, role) = SignerAccess.Require(session, caller, signerRef, Capability.Manage, "enable or disable the Signer", scope);
            signer = signer with { Enabled = enabled };
            session.UpdateSigner(signer);
            return SignerView.Of(session, signer, role);
        });

    /// <summary>For good: disabled, and refused (SIGNER_ARCHIVED) for signing and every change from now on. Its key is kept, unused.</summary>
    public SignerView Archive(Caller caller, string signerRef) => operations.Change(caller, AuditEventTypes.SignerArchived, (session, scope) =>
    {
        var (signer, role) = SignerAccess.Require(session, caller, signerRef, Capability.Manage, "archive the Signer", scope);
        signer = signer with { Enabled = false, ArchivedAt = clock.GetUtcNow() };
        session.UpdateSigner(signer);
        return SignerView.Of(session, signer, role);
    });

    /// <returns>The current chain, and the leaf certificates of rotated-out keys (newest first).</returns>
    public (IReadOnlyList<byte[]> Chain, IReadOnlyList<byte[]> Previous) ExportChain(Caller caller, string signerRef) =>
        operations.Change(caller, AuditEventTypes.CertificateExported, (session, scope) =>
        {
            var (signer, _) = SignerAccess.Require(session, caller, signerRef, Capability.View, "export the certificate", scope);
            var previous = session.ListRetiredCertificates(signer.Id);
            return signer.Chain.Count > 0 || previous.Count > 0 ? (signer.Chain, previous) : throw CertificateMissing(signer);
        });

    public string GetCertificateSigningRequest(Caller caller, string signerRef) => operations.Read(caller, AuditEventTypes.CertificateCsrRead, (session, scope) =>
    {
        var (signer, _) = SignerAccess.Require(session, caller, signerRef, Capability.Manage, "read the certificate request", scope);
        return signer.PendingCsr ?? throw ServiceException.Conflict($"Signer '{signer.Name}' has no outstanding certificate request");
    });

    public SignerView ImportCertificate(Caller caller, string signerRef, IEnumerable<byte[]> certificates) =>
        operations.Change(caller, AuditEventTypes.CertificateImported, (session, scope) =>
        {
            var (signer, role) = SignerAccess.Require(session, caller, signerRef, Capability.Manage, "import a certificate", scope);
            if (signer.PendingCsr is null)
            {
                throw ServiceException.Conflict($"Signer '{signer.Name}' has no outstanding certificate request to answer");
            }
            var chain = ValidChain(signer.PublicKey, certificates, clock.GetUtcNow());
            signer = signer with { Chain = chain, PendingCsr = null };
            session.UpdateSigner(signer);
            scope.Details["certificate_sha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(chain[0]));
            return SignerView.Of(session, signer, role);
        });

    public SignerView Renew(Caller caller, RenewCertificateRequest request)
    {
        if (!request.NewKey)
        {
            return operations.Change(caller, AuditEventTypes.CertificateRenewed, (session, scope) =>
            {
                var (signer, role) = SignerAccess.Require(session, caller, request.Signer, Capability.Manage, "renew the certificate", scope);
                return SignerView.Of(session, Certify(session, signer, request.Validity), role);
            });
        }
        // Authorized first, so a refused caller costs no key generation; generated outside the
        // write transaction (an RSA 4096 key takes seconds), then checked again inside it.
        var current = operations.Read(caller, AuditEventTypes.CertificateRenewed, (session, scope) =>
            SignerAccess.Require(session, caller, request.Signer, Capability.Manage, "renew the certificate", scope).Signer);
        var vault = vaults.Vault(current.KeyVault);
        var key = vault.Generate(current.KeyAlgorithm, $"codesign signer {current.Name}");
        SignerView renewed;
        try
        {
            renewed = operations.Change(caller, AuditEventTypes.CertificateRenewed, (session, scope) =>
            {
                var (signer, role) = SignerAccess.Require(session, caller, current.Id, Capability.Manage, "renew the certificate", scope);
                if (!signer.PublicKey.AsSpan().SequenceEqual(current.PublicKey))
                {
                    throw ServiceException.Conflict($"Signer '{signer.Name}' got a new key meanwhile; nothing was changed");
                }
                var now = clock.GetUtcNow();
                if (signer.Chain.Count > 0)
                {
                    session.RetireCertificates(signer.Id, signer.Chain, now);
                }
                scope.Details["new_key"] = "true";
                scope.Details["previous_public_key_sha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(signer.PublicKey));
                scope.Details["public_key_sha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(key.PublicKey));
                signer = signer with { KeyReference = key.KeyReference, PublicKey = key.PublicKey, Chain = [], PendingCsr = null };
                return SignerView.Of(session, Certify(session, signer, request.Validity), role);
            });
        }
        catch
        {
            vault.Discard(key.KeyReference);
            throw;
        }
        // The old key signs nothing more; its certificates are all that verification needs.
        vault.Discard(current.KeyReference);
        return renewed;
    }

    /// <summary>A new certificate from the internal CA, or a new CSR for the external one, for the Signer's (current) key.</summary>
    private SignerRecord Certify(IStoreSession session, SignerRecord signer, Google.Protobuf.WellKnownTypes.Duration? validity)
    {
        signer = signer.CertificateAuthority == CertificateAuthorityKind.Internal
            ? signer with { Chain = InternalCertificateAuthority.Issue(vaults.Software, identity.Ca, signer.PublicKey, signer.Subject, Validity(validity), clock.GetUtcNow()) }
            : signer with { PendingCsr = CertificateSigningRequestBuilder.CreatePem(vaults.Vault(signer.KeyVault), signer.KeyReference, signer.PublicKey, signer.KeyAlgorithm, signer.Subject) };
        session.UpdateSigner(signer);
        return signer;
    }

    public static ServiceException CertificateMissing(SignerRecord signer) =>
        new(StatusCode.FailedPrecondition, ErrorReason.CertificateMissing,
            $"Signer '{signer.Name}' has no certificate yet: import the one the external CA issued for its certificate request");

    private IKeyVault? TryVault(string kind)
    {
        try
        {
            return vaults.Vault(kind);
        }
        catch (ServiceException)
        {
            return null; // refused, and audited, inside the transaction
        }
    }

    /// <summary>Seals the key of a team migrating from key files; only the software vault takes keys from outside.</summary>
    private static VaultKey Import(IKeyVault vault, CreateSignerRequest request)
    {
        if (vault is not SoftwareKeyVault software)
        {
            throw new ServiceException(StatusCode.FailedPrecondition, ErrorReason.KeyVaultNotConfigured,
                $"keys are imported into the software vault only; the {vault.Kind} vault generates its own keys, which never leave it");
        }
        VaultKey key;
        try
        {
            key = software.Import(request.ImportPrivateKey.Span);
        }
        catch (ArgumentException e)
        {
            throw ServiceException.InvalidArgument("import_private_key", e.Message);
        }
        return request.KeyAlgorithm == KeyAlgorithm.Unspecified || request.KeyAlgorithm == key.Algorithm
            ? key
            : throw ServiceException.InvalidArgument("key_algorithm", $"key_algorithm {ProtoNames.Of(request.KeyAlgorithm)} does not match the imported key ({ProtoNames.Of(key.Algorithm)}); leave it unset to take the key's");
    }

    private static IReadOnlyList<byte[]> ValidChain(byte[] publicKey, IEnumerable<byte[]> certificates, DateTimeOffset now)
    {
        try
        {
            return CertificateChainValidator.Validate(publicKey, certificates, now);
        }
        catch (CertificateImportException e)
        {
            throw new ServiceException(StatusCode.InvalidArgument, ErrorReason.CertificateMismatch, e.Message);
        }
    }

    private static bool IsKnown(KeyAlgorithm algorithm) => algorithm != KeyAlgorithm.Unspecified && Enum.IsDefined(algorithm);

    private TimeSpan Validity(Google.Protobuf.WellKnownTypes.Duration? requested)
    {
        if (requested is null)
        {
            return settings.DefaultCertificateValidity;
        }
        var validity = requested.ToTimeSpan();
        return validity > TimeSpan.Zero && validity <= settings.MaxCertificateValidity
            ? validity
            : throw ServiceException.InvalidArgument("validity", $"validity must be positive and at most {settings.MaxCertificateValidity.TotalDays:0} days");
    }

    private static string ValidSubject(string subject)
    {
        X500DistinguishedName? parsed;
        try
        {
            parsed = SubjectName.Parse(subject);
        }
        catch (ArgumentException)
        {
            parsed = null;
        }

        return parsed?.Name is { Length: > 0 }
            ? subject
            : throw ServiceException.InvalidArgument("subject", $"subject '{subject}' is not a distinguished name (for example \"CN=app, O=Example\")");
    }
}
