using CodeSigning.Pkcs11.Cryptoki;

namespace CodeSigning.Pkcs11;

/// <summary>
/// A PKCS#11 failure with the CK_RV the caller must see. The native shim turns it into that code;
/// any other exception becomes CKR_GENERAL_ERROR. A failed server call keeps the
/// <see cref="Remote.RemoteException"/> it was mapped from (<see cref="RemoteFailure"/>) as its inner exception.
/// </summary>
public sealed class Pkcs11Exception(CKR result, string message, Exception? inner = null) : Exception(message, inner)
{
    public CKR Result { get; } = result;
}
