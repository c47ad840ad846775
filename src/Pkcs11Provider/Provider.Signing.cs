using CodeSigning.Pkcs11.Cryptoki;
using CodeSigning.Pkcs11.Mechanisms;
using CodeSigning.Pkcs11.Sessions;

namespace CodeSigning.Pkcs11;

/// <summary>
/// Signing on the server and verification with the local public key (C_Sign*, C_Verify*). Each call
/// on an active operation is an <see cref="OperationCall"/>, which ends the operation unless the call
/// continues it (PKCS#11 5.2): any failure, of an argument included, ends it.
/// </summary>
public sealed partial class Provider
{
    public void SignInit(ulong handle, ulong mechanism, PssParameters? pss, ulong keyHandle)
    {
        var session = _sessions.Get(handle);
        lock (session.Gate)
        {
            if (session.Sign is not null)
            {
                throw new Pkcs11Exception(CKR.CKR_OPERATION_ACTIVE, "a signing operation is already active on this session");
            }

            _ = BearerFor(session.Token);
            var key = KeyFor(session, keyHandle, CKO.CKO_PRIVATE_KEY, "sign");
            session.Sign = SignatureOperation.Start(mechanism, pss, session.Token, key);
        }
    }

    public SignatureOutput Sign(ulong handle, CallerInput data, CallerOutput signature)
    {
        using var call = OperationCall.Sign(_sessions.Get(handle));
        var capacity = signature.Read();
        var bytes = data.Read();
        var operation = call.Operation;
        return operation.IsMultiPart
            ? throw new Pkcs11Exception(CKR.CKR_OPERATION_ACTIVE, "C_Sign cannot finish a multi-part signature: call C_SignFinal")
            : Finish(call, operation, bytes, capacity);
    }

    public void SignUpdate(ulong handle, CallerInput part) => Update(OperationCall.Sign(_sessions.Get(handle)), part);

    public SignatureOutput SignFinal(ulong handle, CallerOutput signature)
    {
        using var call = OperationCall.Sign(_sessions.Get(handle));
        var capacity = signature.Read();
        return Finish(call, call.Operation, [], capacity);
    }

    public void VerifyInit(ulong handle, ulong mechanism, PssParameters? pss, ulong keyHandle)
    {
        var session = _sessions.Get(handle);
        lock (session.Gate)
        {
            if (session.Verify is not null)
            {
                throw new Pkcs11Exception(CKR.CKR_OPERATION_ACTIVE, "a verification is already active on this session");
            }

            var key = KeyFor(session, keyHandle, CKO.CKO_PUBLIC_KEY, "verify");
            session.Verify = SignatureOperation.Start(mechanism, pss, session.Token, key);
        }
    }

    public void Verify(ulong handle, CallerInput data, CallerInput signature)
    {
        using var call = OperationCall.Verify(_sessions.Get(handle));
        var bytes = data.Read();
        var expected = signature.Read();
        var operation = call.Operation;
        if (operation.IsMultiPart)
        {
            throw new Pkcs11Exception(CKR.CKR_OPERATION_ACTIVE, "C_Verify cannot finish a multi-part verification: call C_VerifyFinal");
        }

        operation.Verify(operation.Complete(bytes), expected);
    }

    public void VerifyUpdate(ulong handle, CallerInput part) => Update(OperationCall.Verify(_sessions.Get(handle)), part);

    public void VerifyFinal(ulong handle, CallerInput signature)
    {
        using var call = OperationCall.Verify(_sessions.Get(handle));
        var expected = signature.Read();
        var operation = call.Operation;
        operation.Verify(operation.Complete([]), expected);
    }

    /// <summary>C_SignUpdate / C_VerifyUpdate: a part taken continues the operation.</summary>
    private static void Update(OperationCall call, CallerInput part)
    {
        using (call)
        {
            var bytes = part.Read();
            call.Operation.Update(bytes);
            call.Continue();
        }
    }

    private SignatureOutput Finish(OperationCall call, SignatureOperation operation, ReadOnlySpan<byte> data, int? capacity)
    {
        var length = operation.Key.SignatureLength;
        if (capacity is null || capacity < length)
        {
            call.Continue();
            return new SignatureOutput(capacity is null ? CKR.CKR_OK : CKR.CKR_BUFFER_TOO_SMALL, null, length);
        }

        var input = operation.Complete(data);
        var bearer = BearerFor(operation.Token);
        var snapshot = operation.Token.Snapshot!;
        var signature = Remote(() => _signer.Sign(bearer, snapshot.Id, snapshot.Name, input.Scheme, input.DigestAlgorithm, input.Digest), RemoteFailure.During.Sign);
        return new SignatureOutput(CKR.CKR_OK, signature, signature.Length);
    }

    private Tokens.SignerKey KeyFor(Session session, ulong keyHandle, ulong objectClass, string use)
    {
        // "It may be the case that the specified handle is a valid handle for an object which is not a key."
        var key = VisibleObjects(session).FirstOrDefault(o => o.Handle == keyHandle && o.Class is CKO.CKO_PRIVATE_KEY or CKO.CKO_PUBLIC_KEY)
            ?? throw new Pkcs11Exception(CKR.CKR_KEY_HANDLE_INVALID, $"no key {keyHandle} on {session.Token.Label}");
        if (key.Class != objectClass)
        {
            throw new Pkcs11Exception(CKR.CKR_KEY_FUNCTION_NOT_PERMITTED, $"object {keyHandle} cannot {use}");
        }

        return session.Token.Snapshot!.Key;
    }
}
