using CodeSigning.Pkcs11.Cryptoki;
using CodeSigning.Pkcs11.Mechanisms;
using CodeSigning.Pkcs11.Sessions;

namespace CodeSigning.Pkcs11;

/// <summary>
/// Signing on the server and verification with the local public key (C_Sign*, C_Verify*). Any
/// failure ends the operation, except a size query or CKR_BUFFER_TOO_SMALL (PKCS#11 5.2).
/// </summary>
public sealed partial class Provider
{
    public void SignInit(ulong handle, ulong mechanism, PssParameters? pss, ulong keyHandle)
    {
        var session = sessions.Get(handle);
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

    public SignatureOutput Sign(ulong handle, ReadOnlySpan<byte> data, int? capacity)
    {
        var session = sessions.Get(handle);
        lock (session.Gate)
        {
            var operation = ActiveSign(session);
            if (operation.IsMultiPart)
            {
                session.EndSign();
                throw new Pkcs11Exception(CKR.CKR_OPERATION_ACTIVE, "C_Sign cannot finish a multi-part signature: call C_SignFinal");
            }

            return Finish(session, operation, data, capacity);
        }
    }

    public void SignUpdate(ulong handle, ReadOnlySpan<byte> part)
    {
        var session = sessions.Get(handle);
        lock (session.Gate)
        {
            var operation = ActiveSign(session);
            try
            {
                operation.Update(part);
            }
            catch
            {
                session.EndSign();
                throw;
            }
        }
    }

    public SignatureOutput SignFinal(ulong handle, int? capacity)
    {
        var session = sessions.Get(handle);
        lock (session.Gate)
        {
            return Finish(session, ActiveSign(session), [], capacity);
        }
    }

    /// <summary>Ends the signing operation of a C_Sign* call refused for its arguments: only CKR_BUFFER_TOO_SMALL and size queries keep it (PKCS#11 5.2).</summary>
    public void AbandonSign(ulong handle)
    {
        var session = sessions.Get(handle);
        lock (session.Gate)
        {
            session.EndSign();
        }
    }

    /// <summary>Ends the verification of a C_Verify* call refused for its arguments.</summary>
    public void AbandonVerify(ulong handle)
    {
        var session = sessions.Get(handle);
        lock (session.Gate)
        {
            session.EndVerify();
        }
    }

    public void VerifyInit(ulong handle, ulong mechanism, PssParameters? pss, ulong keyHandle)
    {
        var session = sessions.Get(handle);
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

    public void Verify(ulong handle, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        var session = sessions.Get(handle);
        lock (session.Gate)
        {
            var operation = ActiveVerify(session);
            try
            {
                if (operation.IsMultiPart)
                {
                    throw new Pkcs11Exception(CKR.CKR_OPERATION_ACTIVE, "C_Verify cannot finish a multi-part verification: call C_VerifyFinal");
                }

                operation.Verify(operation.Complete(data), signature);
            }
            finally
            {
                session.EndVerify();
            }
        }
    }

    public void VerifyUpdate(ulong handle, ReadOnlySpan<byte> part)
    {
        var session = sessions.Get(handle);
        lock (session.Gate)
        {
            try
            {
                ActiveVerify(session).Update(part);
            }
            catch
            {
                session.EndVerify();
                throw;
            }
        }
    }

    public void VerifyFinal(ulong handle, ReadOnlySpan<byte> signature)
    {
        var session = sessions.Get(handle);
        lock (session.Gate)
        {
            var operation = ActiveVerify(session);
            try
            {
                operation.Verify(operation.Complete([]), signature);
            }
            finally
            {
                session.EndVerify();
            }
        }
    }

    private SignatureOutput Finish(Session session, SignatureOperation operation, ReadOnlySpan<byte> data, int? capacity)
    {
        var length = operation.Key.SignatureLength;
        if (capacity is null)
        {
            return new SignatureOutput(CKR.CKR_OK, null, length);
        }

        if (capacity < length)
        {
            return new SignatureOutput(CKR.CKR_BUFFER_TOO_SMALL, null, length);
        }

        try
        {
            var input = operation.Complete(data);
            var signature = signer.Sign(BearerFor(operation.Token), operation.Token.Snapshot!, input);
            return new SignatureOutput(CKR.CKR_OK, signature, signature.Length);
        }
        finally
        {
            session.EndSign();
        }
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

    private static SignatureOperation ActiveSign(Session session) =>
        session.Sign ?? throw new Pkcs11Exception(CKR.CKR_OPERATION_NOT_INITIALIZED, "C_SignInit was not called");

    private static SignatureOperation ActiveVerify(Session session) =>
        session.Verify ?? throw new Pkcs11Exception(CKR.CKR_OPERATION_NOT_INITIALIZED, "C_VerifyInit was not called");
}
