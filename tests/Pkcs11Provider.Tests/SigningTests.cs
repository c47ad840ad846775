using System.Security.Cryptography;
using CodeSigning.Pkcs11.Cryptoki;
using CodeSigning.Pkcs11.Mechanisms;
using CodeSigning.V1;

namespace CodeSigning.Pkcs11.Tests;

[Collection(ProviderCollection.Name)]
public sealed class SigningTests(FakeServerFixture fixture) : ProviderTestBase(fixture)
{
    private static readonly byte[] Data = "the artifact to sign"u8.ToArray();

    public static TheoryData<ulong, string> HashAndSign => new()
    {
        { CKM.CKM_SHA256_RSA_PKCS, "SHA256" },
        { CKM.CKM_SHA384_RSA_PKCS, "SHA384" },
        { CKM.CKM_SHA512_RSA_PKCS, "SHA512" },
        { CKM.CKM_SHA256_RSA_PKCS_PSS, "SHA256" },
        { CKM.CKM_SHA384_RSA_PKCS_PSS, "SHA384" },
        { CKM.CKM_SHA512_RSA_PKCS_PSS, "SHA512" },
    };

    [Theory]
    [MemberData(nameof(HashAndSign))]
    public void Rsa_hash_and_sign_mechanisms_sign_verifiably_and_send_only_the_digest(ulong mechanism, string hashName)
    {
        Initialize();
        var session = OpenSession(Fixture.Rsa);
        var hash = new HashAlgorithmName(hashName);
        var pss = mechanism >= CKM.CKM_SHA256_RSA_PKCS_PSS ? Pss(hash) : null;

        var signature = Sign(session, mechanism, Data, pss);

        var padding = pss is null ? RSASignaturePadding.Pkcs1 : RSASignaturePadding.Pss;
        Assert.True(((RSA)Fixture.Rsa.Key).VerifyData(Data, signature, hash, padding));
        var sent = Assert.Single(Server.SignRequests);
        Assert.Equal(CryptographicOperations.HashData(hash, Data), sent.Digest.ToByteArray());
        Assert.Equal(32, sent.Client.CorrelationId.Length);
        Assert.Contains(sent.Client.CorrelationId, Log(), StringComparison.Ordinal);
    }

    [Fact]
    public void Ckm_rsa_pkcs_signs_a_caller_built_DigestInfo()
    {
        Initialize();
        var session = OpenSession(Fixture.Rsa);
        var digest = SHA384.HashData(Data);

        var signature = Sign(session, CKM.CKM_RSA_PKCS, DigestInfo.Build(HashAlgorithmName.SHA384, digest));

        Assert.True(((RSA)Fixture.Rsa.Key).VerifyHash(digest, signature, HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1));
        Assert.Equal(DigestAlgorithm.Sha384, Assert.Single(Server.SignRequests).DigestAlgorithm);
    }

    [Fact]
    public void Ckm_rsa_pkcs_refuses_what_is_not_a_known_DigestInfo()
    {
        Initialize();
        var session = OpenSession(Fixture.Rsa);

        P.SignInit(session, CKM.CKM_RSA_PKCS, null, PrivateKey(session));
        Assert.Equal(CKR.CKR_DATA_INVALID, Code(() => P.Sign(session, new byte[51], 256)));
        // The failure ended the operation.
        Assert.Equal(CKR.CKR_OPERATION_NOT_INITIALIZED, Code(() => P.Sign(session, Data, 256)));
        P.SignInit(session, CKM.CKM_RSA_PKCS, null, PrivateKey(session));
        Assert.Equal(CKR.CKR_DATA_LEN_RANGE, Code(() => P.Sign(session, new byte[246], 256)));
        Assert.Empty(Server.SignRequests);
    }

    [Fact]
    public void Ckm_rsa_pkcs_pss_signs_a_digest_of_the_parameter_hash()
    {
        Initialize();
        var session = OpenSession(Fixture.Rsa);
        var digest = SHA512.HashData(Data);

        var signature = Sign(session, CKM.CKM_RSA_PKCS_PSS, digest, Pss(HashAlgorithmName.SHA512));

        Assert.True(((RSA)Fixture.Rsa.Key).VerifyHash(digest, signature, HashAlgorithmName.SHA512, RSASignaturePadding.Pss));
        P.SignInit(session, CKM.CKM_RSA_PKCS_PSS, Pss(HashAlgorithmName.SHA512), PrivateKey(session));
        Assert.Equal(CKR.CKR_DATA_LEN_RANGE, Code(() => P.Sign(session, new byte[32], 256)));
    }

    [Fact]
    public void Pss_parameters_must_match_the_server_scheme()
    {
        Initialize();
        var session = OpenSession(Fixture.Rsa);
        var key = PrivateKey(session);

        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Code(() => P.SignInit(session, CKM.CKM_SHA256_RSA_PKCS_PSS, null, key)));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Code(() => P.SignInit(session, CKM.CKM_SHA256_RSA_PKCS_PSS, Pss(HashAlgorithmName.SHA384), key)));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Code(() => P.SignInit(session, CKM.CKM_SHA256_RSA_PKCS_PSS, new PssParameters(CKM.CKM_SHA256, CKG.CKG_MGF1_SHA256, 20), key)));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Code(() => P.SignInit(session, CKM.CKM_SHA256_RSA_PKCS_PSS, new PssParameters(CKM.CKM_SHA256, CKG.CKG_MGF1_SHA512, 32), key)));
    }

    [Theory]
    [InlineData("p256", CKM.CKM_ECDSA_SHA256, "SHA256")]
    [InlineData("p256", CKM.CKM_ECDSA_SHA384, "SHA384")]
    [InlineData("p384", CKM.CKM_ECDSA_SHA384, "SHA384")]
    [InlineData("p384", CKM.CKM_ECDSA_SHA512, "SHA512")]
    public void Ecdsa_hash_and_sign_mechanisms_return_raw_r_s(string curve, ulong mechanism, string hashName)
    {
        Initialize();
        var signer = curve == "p256" ? Fixture.P256 : Fixture.P384;
        var session = OpenSession(signer);

        var signature = Sign(session, mechanism, Data);

        Assert.Equal(curve == "p256" ? 64 : 96, signature.Length);
        Assert.True(((ECDsa)signer.Key).VerifyData(Data, signature, new HashAlgorithmName(hashName)));
    }

    [Fact]
    public void Ckm_ecdsa_signs_a_prehashed_digest_and_refuses_odd_lengths()
    {
        Initialize();
        var session = OpenSession(Fixture.P384);
        var digest = SHA384.HashData(Data);

        var signature = Sign(session, CKM.CKM_ECDSA, digest);

        Assert.True(((ECDsa)Fixture.P384.Key).VerifyHash(digest, signature));
        P.SignInit(session, CKM.CKM_ECDSA, null, PrivateKey(session));
        Assert.Equal(CKR.CKR_DATA_LEN_RANGE, Code(() => P.Sign(session, new byte[20], 96)));
    }

    [Fact]
    public void Ckm_ecdsa_on_p521_returns_132_bytes_of_r_and_s_that_verify()
    {
        Initialize();
        var session = OpenSession(Fixture.P521);
        var digest = SHA512.HashData(Data);

        var signature = Sign(session, CKM.CKM_ECDSA, digest);

        // 521 bits round up to 66 bytes per coordinate: r||s is 132 bytes, each left-padded.
        Assert.Equal(132, signature.Length);
        Assert.True(((ECDsa)Fixture.P521.Key).VerifyHash(digest, signature));
        Assert.True(((ECDsa)Fixture.P521.Key).VerifyData(Data, Sign(OpenSession(Fixture.P521), CKM.CKM_ECDSA_SHA512, Data), HashAlgorithmName.SHA512));
        Assert.Equal((256ul, 521ul), (P.GetMechanismInfo(SlotOf(Fixture.P521), CKM.CKM_ECDSA).MinKeySize, P.GetMechanismInfo(SlotOf(Fixture.P521), CKM.CKM_ECDSA).MaxKeySize));
    }

    [Fact]
    public void Multi_part_signing_hashes_locally_and_the_size_query_does_not_end_it()
    {
        Initialize();
        var session = OpenSession(Fixture.Rsa);
        P.SignInit(session, CKM.CKM_SHA256_RSA_PKCS, null, PrivateKey(session));

        P.SignUpdate(session, Data.AsSpan(0, 5));
        P.SignUpdate(session, Data.AsSpan(5));
        var query = P.SignFinal(session, null);
        var tooSmall = P.SignFinal(session, 10);
        var output = P.SignFinal(session, query.Length);

        Assert.Equal((CKR.CKR_OK, 256), (query.Result, query.Length));
        Assert.Equal((CKR.CKR_BUFFER_TOO_SMALL, 256), (tooSmall.Result, tooSmall.Length));
        Assert.True(((RSA)Fixture.Rsa.Key).VerifyData(Data, output.Signature!, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        Assert.Equal(CKR.CKR_OPERATION_NOT_INITIALIZED, Code(() => P.SignFinal(session, 256)));
    }

    [Fact]
    public void Operation_state_errors_are_reported_as_the_spec_says()
    {
        Initialize();
        var session = OpenSession(Fixture.Rsa);
        var key = PrivateKey(session);

        Assert.Equal(CKR.CKR_OPERATION_NOT_INITIALIZED, Code(() => P.Sign(session, Data, 256)));
        Assert.Equal(CKR.CKR_OPERATION_NOT_INITIALIZED, Code(() => P.SignUpdate(session, Data)));
        Assert.Equal(CKR.CKR_MECHANISM_INVALID, Code(() => P.SignInit(session, 0x9999, null, key)));
        Assert.Equal(CKR.CKR_KEY_TYPE_INCONSISTENT, Code(() => P.SignInit(session, CKM.CKM_ECDSA_SHA256, null, key)));
        Assert.Equal(CKR.CKR_KEY_HANDLE_INVALID, Code(() => P.SignInit(session, CKM.CKM_SHA256_RSA_PKCS, null, 9999)));
        Assert.Equal(CKR.CKR_KEY_FUNCTION_NOT_PERMITTED, Code(() => P.SignInit(session, CKM.CKM_SHA256_RSA_PKCS, null, PublicKey(session))));
        P.SignInit(session, CKM.CKM_SHA256_RSA_PKCS, null, key);
        Assert.Equal(CKR.CKR_OPERATION_ACTIVE, Code(() => P.SignInit(session, CKM.CKM_SHA256_RSA_PKCS, null, key)));
        var single = P.OpenSession(SlotOf(Fixture.Rsa), CKF.CKF_SERIAL_SESSION);
        P.SignInit(single, CKM.CKM_RSA_PKCS, null, key);
        Assert.Equal(CKR.CKR_FUNCTION_NOT_SUPPORTED, Code(() => P.SignUpdate(single, Data)));
        Assert.Empty(Server.SignRequests);
    }

    [Fact]
    public void An_unusable_argument_fails_the_call_with_arguments_bad_and_ends_the_operation_without_a_server_call()
    {
        Initialize();
        var session = OpenSession(Fixture.P256);
        var key = PrivateKey(session);

        P.SignInit(session, CKM.CKM_ECDSA_SHA256, null, key);
        Assert.Equal(CKR.CKR_ARGUMENTS_BAD, Code(() => P.Sign(session, CallerInput.Invalid("NULL buffer"), 64)));
        Assert.Equal(CKR.CKR_OPERATION_NOT_INITIALIZED, Code(() => P.Sign(session, Data, 64)));
        P.SignInit(session, CKM.CKM_ECDSA_SHA256, null, key);
        Assert.Equal(CKR.CKR_ARGUMENTS_BAD, Code(() => P.Sign(session, Data, CallerOutput.Invalid("NULL length pointer"))));
        Assert.Equal(CKR.CKR_OPERATION_NOT_INITIALIZED, Code(() => P.SignFinal(session, 64)));
        P.SignInit(session, CKM.CKM_ECDSA_SHA256, null, key);
        Assert.Equal(CKR.CKR_ARGUMENTS_BAD, Code(() => P.SignUpdate(session, CallerInput.Invalid("NULL buffer"))));
        Assert.Equal(CKR.CKR_OPERATION_NOT_INITIALIZED, Code(() => P.SignFinal(session, 64)));
        P.VerifyInit(session, CKM.CKM_ECDSA_SHA256, null, PublicKey(session));
        Assert.Equal(CKR.CKR_ARGUMENTS_BAD, Code(() => P.VerifyUpdate(session, CallerInput.Invalid("NULL buffer"))));
        Assert.Equal(CKR.CKR_OPERATION_NOT_INITIALIZED, Code(() => P.VerifyFinal(session, new byte[64])));

        Assert.Empty(Server.SignRequests);
    }

    [Fact]
    public void Verification_runs_locally_with_the_public_key()
    {
        Initialize();
        var session = OpenSession(Fixture.P256);
        var signature = ((ECDsa)Fixture.P256.Key).SignData(Data, HashAlgorithmName.SHA256);
        var calls = Server.CallCount;

        P.VerifyInit(session, CKM.CKM_ECDSA_SHA256, null, PublicKey(session));
        P.Verify(session, Data, signature);
        P.VerifyInit(session, CKM.CKM_ECDSA_SHA256, null, PublicKey(session));
        P.VerifyUpdate(session, Data);
        P.VerifyFinal(session, signature);

        Assert.Equal(calls, Server.CallCount);
        signature[5] ^= 1;
        P.VerifyInit(session, CKM.CKM_ECDSA_SHA256, null, PublicKey(session));
        Assert.Equal(CKR.CKR_SIGNATURE_INVALID, Code(() => P.Verify(session, Data, signature)));
        P.VerifyInit(session, CKM.CKM_ECDSA_SHA256, null, PublicKey(session));
        Assert.Equal(CKR.CKR_SIGNATURE_LEN_RANGE, Code(() => P.Verify(session, Data, signature[..10])));
        Assert.Equal(CKR.CKR_OPERATION_NOT_INITIALIZED, Code(() => P.VerifyFinal(session, signature)));
    }

    [Fact]
    public void Sixteen_threads_sign_concurrently_on_their_own_sessions()
    {
        Initialize();
        var slot = SlotOf(Fixture.P256);

        // Dedicated threads: blocking pool threads would starve the in-process fake server.
        var results = new (byte[] Data, byte[] Signature)[16];
        var errors = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var threads = Enumerable.Range(0, 16).Select(i => new Thread(() =>
        {
            try
            {
                var session = P.OpenSession(slot, CKF.CKF_SERIAL_SESSION);
                var data = BitConverter.GetBytes(i);
                results[i] = (data, Sign(session, CKM.CKM_ECDSA_SHA256, data));
            }
            catch (Exception ex)
            {
                errors.Enqueue(ex);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Empty(errors);
        Assert.All(results, r => Assert.True(((ECDsa)Fixture.P256.Key).VerifyData(r.Data, r.Signature, HashAlgorithmName.SHA256)));
    }

    private static PssParameters Pss(HashAlgorithmName hash) =>
        new(hash == HashAlgorithmName.SHA256 ? CKM.CKM_SHA256 : hash == HashAlgorithmName.SHA384 ? CKM.CKM_SHA384 : CKM.CKM_SHA512, Digests.Mgf1(hash), (ulong)Digests.Length(hash));
}
