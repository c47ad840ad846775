using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CodeSigning.Pkcs11.Tokens;
using CodeSigning.V1;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using static CodeSigning.Pkcs11.Native.Tests.Interop;

namespace CodeSigning.Pkcs11.Native.Tests;

/// <summary>
/// Acceptance: the published module, through Pkcs11Interop and real tools, against the published
/// codesign-server on loopback with TLS. Signatures are checked with the certificate the server issued.
/// </summary>
[Collection(NativeModuleCollection.Name)]
public sealed class RealServerTests : IDisposable
{
    private static readonly byte[] Data = "release artifact"u8.ToArray();
    private readonly RealServerFixture _real;
    private readonly NativeServerFixture _fake;

    public RealServerTests(RealServerFixture real, NativeServerFixture fake)
    {
        this._real = real;
        this._fake = fake;
        RawCalls.EnsureFinalized();
        real.WriteConfig(real.Config());
        NativeServerFixture.UseConfig(real.ConfigPath);
    }

    public void Dispose()
    {
        RawCalls.EnsureFinalized();
        _fake.Reset();
    }

    public static TheoryData<string, CKM, string> Mechanisms => new()
    {
        { "real-rsa", CKM.CKM_RSA_PKCS, "SHA256" },
        { "real-rsa", CKM.CKM_SHA256_RSA_PKCS, "SHA256" },
        { "real-rsa", CKM.CKM_SHA384_RSA_PKCS, "SHA384" },
        { "real-rsa", CKM.CKM_SHA512_RSA_PKCS, "SHA512" },
        { "real-rsa", CKM.CKM_RSA_PKCS_PSS, "SHA256" },
        { "real-rsa", CKM.CKM_SHA256_RSA_PKCS_PSS, "SHA256" },
        { "real-rsa", CKM.CKM_SHA384_RSA_PKCS_PSS, "SHA384" },
        { "real-rsa", CKM.CKM_SHA512_RSA_PKCS_PSS, "SHA512" },
        { "real-p256", CKM.CKM_ECDSA, "SHA256" },
        { "real-p256", CKM.CKM_ECDSA_SHA256, "SHA256" },
        { "real-p256", CKM.CKM_ECDSA_SHA384, "SHA384" },
        { "real-p256", CKM.CKM_ECDSA_SHA512, "SHA512" },
    };

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public void Every_mechanism_signs_and_the_signature_verifies_with_the_issued_certificate(string signer, CKM type, string hashName)
    {
        using var library = Load();
        using var session = Slot(library, signer).OpenSession(SessionType.ReadOnly);
        var hash = new HashAlgorithmName(hashName);

        var signature = session.Sign(Mechanism(session, type, hash), PrivateKey(session), Input(type, hash, Data));

        Assert.True(VerifiesWithCertificate(signer == "real-rsa" ? _real.Rsa : _real.P256, type, hash, Data, signature));
    }

    [Fact]
    public void Slots_are_the_Signers_with_ids_from_the_Signer_id_and_the_chain_as_objects()
    {
        using var library = Load();

        var slot = Slot(library, "real-rsa");
        using var session = slot.OpenSession(SessionType.ReadOnly);

        Assert.Equal(SlotIds.Derive(_real.Rsa.Id), slot.SlotId);
        Assert.Equal(_real.Rsa.CertificateChain.Count, Find(session, CKO.CKO_CERTIFICATE).Count);
        Assert.Single(Find(session, CKO.CKO_PUBLIC_KEY));
    }

    [Fact]
    public async Task The_correlation_id_of_a_signature_is_in_the_module_log_and_the_server_audit_event()
    {
        using (var library = Load())
        {
            using var session = Slot(library, "real-p256").OpenSession(SessionType.ReadOnly);
            session.Sign(session.Factories.MechanismFactory.Create(CKM.CKM_ECDSA_SHA256), PrivateKey(session), Data);
        }

        var line = _real.Log().Split('\n').Last(l => l.Contains("signed with real-p256", StringComparison.Ordinal));
        var correlationId = line.Split("correlation id ")[1][..32];
        using var admin = _real.Admin();
        var events = await new AuditService.AuditServiceClient(admin).QueryAuditEventsAsync(new QueryAuditEventsRequest
        {
            Filter = new AuditFilter { Signer = "real-p256", Types_ = { "signature." } },
            PageSize = 1000,
        });
        var audited = Assert.Single(events.Events, e => e.Client.CorrelationId == correlationId);
        Assert.Equal(RealServerFixture.Operator, audited.Actor.Name);
        Assert.StartsWith("libcodesign-pkcs11/", audited.Client.Client, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Approval_missing_is_rejected_and_with_a_wait_the_module_requests_and_signs_once_approved()
    {
        using var admin = _real.Admin();
        var approvals = new ApprovalService.ApprovalServiceClient(admin);
        await approvals.SetApprovalPolicyAsync(new SetApprovalPolicyRequest
        {
            Signer = "real-rsa",
            Policy = new ApprovalPolicy { Approvers = { new PrincipalRef { Kind = PrincipalKind.User, Name = "admin" } }, ApprovalsRequired = 1 },
        });
        try
        {
            using (var library = Load())
            {
                using var session = Slot(library, "real-rsa").OpenSession(SessionType.ReadOnly);
                Assert.Equal(CKR.CKR_FUNCTION_REJECTED, Code(() => session.Sign(session.Factories.MechanismFactory.Create(CKM.CKM_SHA256_RSA_PKCS), PrivateKey(session), Data)));
                Assert.Contains("csign request create --signer real-rsa --count 1 --justification \"<why>\"", _real.Log(), StringComparison.Ordinal);
            }

            var config = _real.Config();
            config["approval_wait_seconds"] = 60;
            _real.WriteConfig(config);
            var approver = Task.Run(async () =>
            {
                while (true)
                {
                    var pending = await approvals.ListSigningRequestsAsync(new ListSigningRequestsRequest { Signer = "real-rsa", States = { SigningRequestState.Pending } });
                    if (pending.Requests.Count > 0)
                    {
                        await approvals.ApproveSigningRequestAsync(new DecideSigningRequestRequest { RequestId = pending.Requests[0].Id, Comment = "release" });
                        return;
                    }

                    await Task.Delay(100);
                }
            });
            using (var library = Load())
            {
                using var session = Slot(library, "real-rsa").OpenSession(SessionType.ReadOnly);
                var signature = session.Sign(session.Factories.MechanismFactory.Create(CKM.CKM_SHA256_RSA_PKCS), PrivateKey(session), Data);
                Assert.Equal(256, signature.Length);
            }

            await approver;
        }
        finally
        {
            await approvals.ClearApprovalPolicyAsync(new ClearApprovalPolicyRequest { Signer = "real-rsa" });
        }
    }

    [Fact]
    public async Task A_disabled_Signer_and_a_removed_member_are_rejected_on_the_very_next_signature()
    {
        using var admin = _real.Admin();
        var signers = new SignerService.SignerServiceClient(admin);
        var members = new MemberService.MemberServiceClient(admin);
        var builder = new PrincipalRef { Kind = PrincipalKind.User, Name = RealServerFixture.Operator };
        using var library = Load();
        using var session = Slot(library, "real-p256").OpenSession(SessionType.ReadOnly);
        var mechanism = session.Factories.MechanismFactory.Create(CKM.CKM_ECDSA_SHA256);
        session.Sign(mechanism, PrivateKey(session), Data);

        await signers.SetSignerEnabledAsync(new SetSignerEnabledRequest { Signer = "real-p256", Enabled = false });
        try
        {
            Assert.Equal(CKR.CKR_FUNCTION_REJECTED, Code(() => session.Sign(mechanism, PrivateKey(session), Data)));
            Assert.Contains("SIGNER_DISABLED", _real.Log(), StringComparison.Ordinal);
        }
        finally
        {
            await signers.SetSignerEnabledAsync(new SetSignerEnabledRequest { Signer = "real-p256", Enabled = true });
        }

        await members.RemoveMemberAsync(new RemoveMemberRequest { Signer = "real-p256", Principal = builder });
        try
        {
            Assert.Equal(CKR.CKR_FUNCTION_REJECTED, Code(() => session.Sign(mechanism, PrivateKey(session), Data)));
            Assert.Contains("SIGNER_NOT_FOUND", _real.Log(), StringComparison.Ordinal);
        }
        finally
        {
            await members.SetMemberAsync(new SetMemberRequest { Signer = "real-p256", Principal = builder, Role = Role.Operator });
        }

        Assert.Equal(64, session.Sign(mechanism, PrivateKey(session), Data).Length);
    }

    [Fact]
    public void An_unknown_api_key_is_user_not_logged_in_and_as_pin_it_is_pin_incorrect()
    {
        var config = _real.Config();
        config["auth"] = new System.Text.Json.Nodes.JsonObject { ["api_key"] = "csk_unknown_key" };
        _real.WriteConfig(config);
        using (var library = Load())
        {
            Assert.Equal(CKR.CKR_USER_NOT_LOGGED_IN, Code(() => library.GetSlotList(SlotsType.WithTokenPresent)));
        }

        config.Remove("auth");
        config["signers"] = new System.Text.Json.Nodes.JsonArray("real-rsa");
        _real.WriteConfig(config);
        using (var library = Load())
        {
            var slot = library.GetSlotList(SlotsType.WithTokenPresent).Single();
            using var session = slot.OpenSession(SessionType.ReadOnly);
            Assert.Equal(CKR.CKR_PIN_INCORRECT, Code(() => session.Login(CKU.CKU_USER, "csk_unknown_key")));
            session.Login(CKU.CKU_USER, _real.OperatorKey);
            Assert.Equal(256, session.Sign(session.Factories.MechanismFactory.Create(CKM.CKM_SHA256_RSA_PKCS), PrivateKey(session), Data).Length);
        }
    }

    [Fact]
    public async Task A_service_account_signs_with_its_key_file()
    {
        using var admin = _real.Admin();
        var identity = new IdentityService.IdentityServiceClient(admin);
        var members = new MemberService.MemberServiceClient(admin);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var account = await identity.CreateServiceAccountAsync(new CreateServiceAccountRequest { Name = "release-bot" });
        var registered = await identity.AddServiceAccountKeyAsync(new AddServiceAccountKeyRequest
        {
            ServiceAccount = account.Name,
            PublicKey = Google.Protobuf.ByteString.CopyFrom(key.ExportSubjectPublicKeyInfo()),
        });
        var principal = new PrincipalRef { Kind = PrincipalKind.ServiceAccount, Name = account.Name };
        await members.SetMemberAsync(new SetMemberRequest { Signer = "real-p256", Principal = principal, Role = Role.Operator });
        try
        {
            var keyFile = Path.Combine(_real.Directory.FullName, "release-bot.pem");
            TestFiles.WriteSecret(keyFile, key.ExportPkcs8PrivateKeyPem());
            var config = _real.Config();
            config["auth"] = new System.Text.Json.Nodes.JsonObject
            {
                ["service_account"] = new System.Text.Json.Nodes.JsonObject { ["client_id"] = account.ClientId, ["private_key_file"] = keyFile, ["key_id"] = registered.KeyId },
            };
            _real.WriteConfig(config);
            using var library = Load();

            var slot = Assert.Single(library.GetSlotList(SlotsType.WithTokenPresent));
            using var session = slot.OpenSession(SessionType.ReadOnly);
            var signature = session.Sign(session.Factories.MechanismFactory.Create(CKM.CKM_ECDSA_SHA384), PrivateKey(session), Data);

            using var certificate = X509CertificateLoader.LoadCertificate(_real.P256.CertificateChain[0].ToByteArray());
            Assert.True(certificate.GetECDsaPublicKey()!.VerifyData(Data, signature, HashAlgorithmName.SHA384));
        }
        finally
        {
            await members.RemoveMemberAsync(new RemoveMemberRequest { Signer = "real-p256", Principal = principal });
        }
    }

    [Fact]
    public async Task A_killed_server_is_a_device_error_and_the_module_recovers_when_it_restarts()
    {
        using var library = Load();
        using var session = Slot(library, "real-p256").OpenSession(SessionType.ReadOnly);
        var mechanism = session.Factories.MechanismFactory.Create(CKM.CKM_ECDSA_SHA256);
        var key = PrivateKey(session);

        _real.Server.Kill();
        try
        {
            Assert.Equal(CKR.CKR_DEVICE_ERROR, Code(() => session.Sign(mechanism, key, Data)));
        }
        finally
        {
            await _real.Server.RestartAsync();
        }

        // The channel retries a failed connection after at most 500 ms of backoff.
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(64, session.Sign(mechanism, key, Data).Length);
    }

    [Fact]
    public void Sixteen_threads_sign_concurrently_without_error()
    {
        using var library = Load();
        var slot = Slot(library, "real-p256");
        var signatures = TestFiles.OnThreads(16, i =>
        {
            using var session = slot.OpenSession(SessionType.ReadOnly);
            return session.Sign(session.Factories.MechanismFactory.Create(CKM.CKM_ECDSA_SHA256), PrivateKey(session), BitConverter.GetBytes(i));
        });

        using var certificate = X509CertificateLoader.LoadCertificate(_real.P256.CertificateChain[0].ToByteArray());
        using var key = certificate.GetECDsaPublicKey()!;
        Assert.All(Enumerable.Range(0, 16), i => Assert.True(key.VerifyData(BitConverter.GetBytes(i), signatures[i], HashAlgorithmName.SHA256)));
    }

    [Fact]
    public void Pkcs11_tool_lists_slots_and_objects_and_signs()
    {
        var input = Path.Combine(_real.Directory.FullName, "tool-input.bin");
        var output = Path.Combine(_real.Directory.FullName, "tool-signature.bin");
        File.WriteAllBytes(input, Data);
        var environment = new Dictionary<string, string> { ["CODESIGN_PKCS11_CONFIG"] = _real.ConfigPath };

        var listed = ToolProcess.Run("pkcs11-tool", environment, "--module", NativeModule.Path, "--list-slots", "--list-objects", "--token-label", "real-p256");
        var signed = ToolProcess.Run("pkcs11-tool", environment, "--module", NativeModule.Path, "--token-label", "real-rsa", "--login", "--pin", "unused",
            "--sign", "--mechanism", "SHA256-RSA-PKCS-PSS", "--mgf", "MGF1-SHA256", "--salt-len", "32",
            "--label", "real-rsa", "--input-file", input, "--output-file", output);

        Assert.True(listed.ExitCode == 0, listed.StandardError + _real.Log());
        Assert.True(signed.ExitCode == 0, $"exit {signed.ExitCode}: {signed.StandardError}{signed.StandardOutput}");
        Assert.Contains("token label        : real-rsa", listed.StandardOutput);
        Assert.Contains("Private Key Object; EC", listed.StandardOutput);
        using var certificate = X509CertificateLoader.LoadCertificate(_real.Rsa.CertificateChain[0].ToByteArray());
        Assert.True(certificate.GetRSAPublicKey()!.VerifyData(Data, File.ReadAllBytes(output), HashAlgorithmName.SHA256, RSASignaturePadding.Pss));
    }

    [Fact]
    public void Jarsigner_signs_through_SunPKCS11_and_the_jar_verifies()
    {
        var work = _real.Directory.CreateSubdirectory("jar");
        File.WriteAllText(Path.Combine(work.FullName, "hello.txt"), "hello\n");
        var jar = Path.Combine(work.FullName, "app.jar");
        var providerConfig = Path.Combine(work.FullName, "sunpkcs11.cfg");
        File.WriteAllText(providerConfig, $"name = CodeSigning\nlibrary = {NativeModule.Path}\nslot = {SlotIds.Derive(_real.Rsa.Id)}\n");
        var environment = new Dictionary<string, string> { ["CODESIGN_PKCS11_CONFIG"] = _real.ConfigPath };

        var packed = ToolProcess.Run("jar", environment, "cf", jar, "-C", work.FullName, "hello.txt");
        var signed = ToolProcess.Run("jarsigner", environment, "-keystore", "NONE", "-storetype", "PKCS11", "-addprovider", "SunPKCS11",
            "-providerArg", providerConfig, "-storepass", "unused", "-sigalg", "SHA384withRSA", jar, "real-rsa");
        var verified = ToolProcess.Run("jarsigner", environment, "-verify", "-certs", jar);

        Assert.Equal(0, packed.ExitCode);
        Assert.True(signed.ExitCode == 0, signed.StandardError + signed.StandardOutput + _real.Log());
        Assert.Contains("jar verified.", verified.StandardOutput);
    }
}
