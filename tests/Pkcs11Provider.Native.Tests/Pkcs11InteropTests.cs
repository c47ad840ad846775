using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

using static CodeSigning.Pkcs11.Native.Tests.Interop;

namespace CodeSigning.Pkcs11.Native.Tests;

/// <summary>The published module through Pkcs11Interop, the .NET client many applications use, against the fake server.</summary>
[Collection(NativeModuleCollection.Name)]
public sealed class Pkcs11InteropTests : IDisposable
{
    private static readonly byte[] Data = "artifact bytes"u8.ToArray();
    private readonly NativeServerFixture _fixture;
    public Pkcs11InteropTests(NativeServerFixture fixture)
    {
        this._fixture = fixture;
        fixture.Reset();
        RawCalls.EnsureFinalized();
    }

    public void Dispose()
    {
        RawCalls.EnsureFinalized();
        _fixture.Reset();
    }

    [Fact]
    public void Library_info_is_read_through_Pkcs11Interop()
    {
        using var library = Load();

        var info = library.GetInfo();

        Assert.Equal("2.40", info.CryptokiVersion);
        Assert.Equal("CodeSigning", info.ManufacturerId);
        Assert.Equal("CodeSigning PKCS#11 module", info.LibraryDescription);
        Assert.Equal("1.0", info.LibraryVersion);
    }

    [Fact]
    public void Slots_and_tokens_describe_the_Signers()
    {
        using var library = Load();

        var slots = library.GetSlotList(SlotsType.WithTokenPresent);

        Assert.Equal(2, slots.Count);
        Assert.All(slots, s => Assert.InRange(s.SlotId, 1ul, 0x7FFFFFFFul));
        var token = Slot(library, "native-rsa").GetTokenInfo();
        Assert.Equal(_fixture.Rsa.Id.Replace("-", "", StringComparison.Ordinal)[..16], token.SerialNumber);
        Assert.True(token.TokenFlags.WriteProtected);
        Assert.False(token.TokenFlags.LoginRequired);
        Assert.Equal("CodeSigning", token.ManufacturerId);
        var mechanisms = Slot(library, "native-p256").GetMechanismList();
        Assert.Equal([CKM.CKM_ECDSA, CKM.CKM_ECDSA_SHA256, CKM.CKM_ECDSA_SHA384, CKM.CKM_ECDSA_SHA512], mechanisms);
        var info = Slot(library, "native-rsa").GetMechanismInfo(CKM.CKM_SHA256_RSA_PKCS_PSS);
        Assert.True(info.MechanismFlags.Sign && info.MechanismFlags.Verify && !info.MechanismFlags.Encrypt);
        Assert.Equal(2048ul, info.MinKeySize);
    }

    [Fact]
    public void Objects_and_attributes_marshal_with_the_length_convention()
    {
        using var library = Load();
        using var session = Slot(library, "native-rsa").OpenSession(SessionType.ReadOnly);
        session.Login(CKU.CKU_USER, "any pin");

        var key = Find(session, CKO.CKO_PRIVATE_KEY).Single();
        var attributes = session.GetAttributeValue(key, [CKA.CKA_LABEL, CKA.CKA_MODULUS, CKA.CKA_PRIVATE_EXPONENT, CKA.CKA_KEY_TYPE, CKA.CKA_SIGN]);

        Assert.Equal("native-rsa", attributes[0].GetValueAsString());
        Assert.Equal(((RSA)_fixture.Rsa.Key).ExportParameters(false).Modulus, attributes[1].GetValueAsByteArray());
        Assert.True(attributes[2].CannotBeRead);
        Assert.Equal((ulong)CKK.CKK_RSA, attributes[3].GetValueAsUlong());
        Assert.True(attributes[4].GetValueAsBool());
        var certificates = Find(session, CKO.CKO_CERTIFICATE);
        Assert.Equal(_fixture.Rsa.Chain, certificates.Select(c => session.GetAttributeValue(c, [CKA.CKA_VALUE])[0].GetValueAsByteArray()));
        Assert.Equal(
            session.GetAttributeValue(key, [CKA.CKA_ID])[0].GetValueAsByteArray(),
            session.GetAttributeValue(certificates[0], [CKA.CKA_ID])[0].GetValueAsByteArray());
    }

    [Fact]
    public unsafe void C_GetAttributeValue_reports_length_buffer_too_small_sensitive_and_invalid_per_attribute()
    {
        using var library = Load();
        using var session = Slot(library, "native-rsa").OpenSession(SessionType.ReadOnly);
        var key = PrivateKey(session);
        var small = stackalloc byte[10];
        var large = stackalloc byte[512];
        var template = stackalloc RawCalls.Attribute[4];
        template[0] = new RawCalls.Attribute { Type = (nuint)CKA.CKA_LABEL };
        template[1] = new RawCalls.Attribute { Type = (nuint)CKA.CKA_MODULUS, Value = small, ValueLength = 10 };
        template[2] = new RawCalls.Attribute { Type = (nuint)CKA.CKA_PRIVATE_EXPONENT, Value = large, ValueLength = 512 };
        template[3] = new RawCalls.Attribute { Type = 0x7777, Value = large, ValueLength = 512 };

        var result = RawCalls.GetAttributeValue((nuint)session.SessionId, (nuint)key.ObjectId, template, 4);

        Assert.Contains(result, new[] { (nuint)CKR.CKR_BUFFER_TOO_SMALL, (nuint)CKR.CKR_ATTRIBUTE_SENSITIVE, (nuint)CKR.CKR_ATTRIBUTE_TYPE_INVALID });
        Assert.Equal((nuint)"native-rsa".Length, template[0].ValueLength);
        Assert.Equal(nuint.MaxValue, template[1].ValueLength);
        Assert.Equal(nuint.MaxValue, template[2].ValueLength);
        Assert.Equal(nuint.MaxValue, template[3].ValueLength);
        Assert.Equal((nuint)CKR.CKR_ATTRIBUTE_SENSITIVE, RawCalls.GetAttributeValue((nuint)session.SessionId, (nuint)key.ObjectId, template + 2, 1));
        Assert.Equal((nuint)CKR.CKR_ATTRIBUTE_TYPE_INVALID, RawCalls.GetAttributeValue((nuint)session.SessionId, (nuint)key.ObjectId, template + 3, 1));
        template[1].ValueLength = 10;
        Assert.Equal((nuint)CKR.CKR_BUFFER_TOO_SMALL, RawCalls.GetAttributeValue((nuint)session.SessionId, (nuint)key.ObjectId, template + 1, 1));
        Assert.Equal((nuint)CKR.CKR_OBJECT_HANDLE_INVALID, RawCalls.GetAttributeValue((nuint)session.SessionId, 9999, template, 1));
        Assert.Equal((nuint)CKR.CKR_SESSION_HANDLE_INVALID, RawCalls.GetAttributeValue(9999, (nuint)key.ObjectId, template, 1));
        Assert.Equal((nuint)CKR.CKR_ARGUMENTS_BAD, RawCalls.GetAttributeValue((nuint)session.SessionId, (nuint)key.ObjectId, null, 1));
    }

    public static TheoryData<CKM, string> RsaMechanisms => new()
    {
        { CKM.CKM_SHA256_RSA_PKCS, "SHA256" },
        { CKM.CKM_SHA384_RSA_PKCS, "SHA384" },
        { CKM.CKM_SHA512_RSA_PKCS, "SHA512" },
        { CKM.CKM_SHA256_RSA_PKCS_PSS, "SHA256" },
        { CKM.CKM_SHA384_RSA_PKCS_PSS, "SHA384" },
        { CKM.CKM_SHA512_RSA_PKCS_PSS, "SHA512" },
        { CKM.CKM_RSA_PKCS, "SHA256" },
        { CKM.CKM_RSA_PKCS_PSS, "SHA384" },
    };

    [Theory]
    [MemberData(nameof(RsaMechanisms))]
    public void Every_rsa_mechanism_signs_and_verifies_independently(CKM type, string hashName)
    {
        using var library = Load();
        using var session = Slot(library, "native-rsa").OpenSession(SessionType.ReadOnly);
        var hash = new HashAlgorithmName(hashName);
        var mechanism = Mechanism(session, type, hash);
        var input = Input(type, hash, Data);
        var digest = CryptographicOperations.HashData(hash, Data);

        var signature = session.Sign(mechanism, Find(session, CKO.CKO_PRIVATE_KEY).Single(), input);

        var padding = IsPss(type) ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
        Assert.True(((RSA)_fixture.Rsa.Key).VerifyHash(digest, signature, hash, padding));
        session.Verify(mechanism, Find(session, CKO.CKO_PUBLIC_KEY).Single(), input, signature, out var valid);
        Assert.True(valid);
    }

    [Theory]
    [InlineData(CKM.CKM_ECDSA, "SHA256")]
    [InlineData(CKM.CKM_ECDSA_SHA256, "SHA256")]
    [InlineData(CKM.CKM_ECDSA_SHA384, "SHA384")]
    [InlineData(CKM.CKM_ECDSA_SHA512, "SHA512")]
    public void Every_ecdsa_mechanism_signs_and_verifies_independently(CKM type, string hashName)
    {
        using var library = Load();
        using var session = Slot(library, "native-p256").OpenSession(SessionType.ReadOnly);
        var hash = new HashAlgorithmName(hashName);
        var digest = CryptographicOperations.HashData(hash, Data);
        var mechanism = session.Factories.MechanismFactory.Create(type);
        var input = type == CKM.CKM_ECDSA ? digest : Data;

        var signature = session.Sign(mechanism, Find(session, CKO.CKO_PRIVATE_KEY).Single(), input);

        Assert.Equal(64, signature.Length);
        Assert.True(((ECDsa)_fixture.P256.Key).VerifyHash(digest, signature));
    }

    [Fact]
    public void Multi_part_signing_through_C_SignUpdate_signs_the_whole_stream()
    {
        using var library = Load();
        using var session = Slot(library, "native-rsa").OpenSession(SessionType.ReadOnly);
        var data = new byte[100_000];
        Random.Shared.NextBytes(data);

        var signature = session.Sign(session.Factories.MechanismFactory.Create(CKM.CKM_SHA512_RSA_PKCS), Find(session, CKO.CKO_PRIVATE_KEY).Single(), new MemoryStream(data), 4096);

        Assert.True(((RSA)_fixture.Rsa.Key).VerifyData(data, signature, HashAlgorithmName.SHA512, RSASignaturePadding.Pkcs1));
        Assert.Equal(SHA512.HashData(data), _fixture.Server.SignRequests.Single().Digest.ToByteArray());
    }

    [Fact]
    public void Errors_come_back_as_the_specification_codes()
    {
        using var library = Load();
        using var session = Slot(library, "native-rsa").OpenSession(SessionType.ReadOnly);
        var key = Find(session, CKO.CKO_PRIVATE_KEY).Single();
        var mechanisms = session.Factories.MechanismFactory;

        Assert.Equal(CKR.CKR_MECHANISM_INVALID, Code(() => session.Sign(mechanisms.Create(CKM.CKM_SHA1_RSA_PKCS), key, Data)));
        Assert.Equal(CKR.CKR_KEY_TYPE_INCONSISTENT, Code(() => session.Sign(mechanisms.Create(CKM.CKM_ECDSA_SHA256), key, Data)));
        Assert.Equal(CKR.CKR_DATA_LEN_RANGE, Code(() => session.Sign(mechanisms.Create(CKM.CKM_RSA_PKCS), key, new byte[300])));
        Assert.Equal(CKR.CKR_FUNCTION_NOT_SUPPORTED, Code(() => session.GenerateKeyPair(mechanisms.Create(CKM.CKM_RSA_PKCS_KEY_PAIR_GEN), [], [], out _, out _)));
        Assert.Equal(CKR.CKR_FUNCTION_NOT_SUPPORTED, Code(() => session.Encrypt(mechanisms.Create(CKM.CKM_RSA_PKCS), key, Data)));
        Assert.Equal(CKR.CKR_SESSION_READ_ONLY, Code(() => session.CreateObject([session.Factories.ObjectAttributeFactory.Create(CKA.CKA_CLASS, CKO.CKO_DATA)])));
        Assert.Equal(CKR.CKR_SESSION_READ_ONLY, Code(() => session.SetPin("old", "new")));
        Assert.Equal(CKR.CKR_TOKEN_WRITE_PROTECTED, Code(() => Slot(library, "native-rsa").OpenSession(SessionType.ReadWrite)));
        Assert.Empty(_fixture.Server.SignRequests);
        Assert.Equal(2, Find(session, CKO.CKO_CERTIFICATE).Count);
    }

    [Fact]
    public void Approval_missing_is_function_rejected_with_the_command_in_the_log()
    {
        using var library = Load();
        using var session = Slot(library, "native-rsa").OpenSession(SessionType.ReadOnly);
        _fixture.Rsa.ApprovalRequired = true;

        Assert.Equal(CKR.CKR_FUNCTION_REJECTED, Code(() => session.Sign(session.Factories.MechanismFactory.Create(CKM.CKM_SHA256_RSA_PKCS), Find(session, CKO.CKO_PRIVATE_KEY).Single(), Data)));

        var correlationId = _fixture.Server.SignRequests.Single().Client.CorrelationId;
        Assert.Contains($"csign request create --signer native-rsa --count 1", _fixture.Log(), StringComparison.Ordinal);
        Assert.Contains(correlationId, _fixture.Log(), StringComparison.Ordinal);
    }

    [Fact]
    public void Server_unreachable_is_a_device_error()
    {
        var config = _fixture.Config();
        config["servers"] = new System.Text.Json.Nodes.JsonArray("http://127.0.0.1:1");
        _fixture.WriteConfig(config);
        using var library = Load();

        Assert.Equal(CKR.CKR_DEVICE_ERROR, Code(() => library.GetSlotList(SlotsType.WithTokenPresent)));
    }

    [Fact]
    public void Sixteen_threads_sign_concurrently_without_error()
    {
        using var library = Load();
        var slot = Slot(library, "native-p256");

        var signatures = TestFiles.OnThreads(16, i =>
        {
            using var session = slot.OpenSession(SessionType.ReadOnly);
            var data = BitConverter.GetBytes(i);
            return (Data: data, Signature: session.Sign(session.Factories.MechanismFactory.Create(CKM.CKM_ECDSA_SHA256), Find(session, CKO.CKO_PRIVATE_KEY).Single(), data));
        });

        Assert.All(signatures, s => Assert.True(((ECDsa)_fixture.P256.Key).VerifyData(s.Data, s.Signature, HashAlgorithmName.SHA256)));
    }

    [Fact]
    public void Without_credentials_the_pin_is_the_api_key()
    {
        var config = _fixture.Config();
        config.Remove("auth");
        config["signers"] = new System.Text.Json.Nodes.JsonArray("native-p256");
        _fixture.WriteConfig(config);
        using var library = Load();
        var slot = library.GetSlotList(SlotsType.WithTokenPresent).Single();
        using var session = slot.OpenSession(SessionType.ReadOnly);

        Assert.True(slot.GetTokenInfo().TokenFlags.LoginRequired);
        Assert.Equal(CKR.CKR_PIN_INCORRECT, Code(() => session.Login(CKU.CKU_USER, "csk_wrong")));
        session.Login(CKU.CKU_USER, NativeServerFixture.ApiKey);

        var signature = session.Sign(session.Factories.MechanismFactory.Create(CKM.CKM_ECDSA_SHA256), Find(session, CKO.CKO_PRIVATE_KEY).Single(), Data);
        Assert.True(((ECDsa)_fixture.P256.Key).VerifyData(Data, signature, HashAlgorithmName.SHA256));
    }
}
