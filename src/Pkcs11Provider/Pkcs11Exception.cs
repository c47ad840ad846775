using CodeSigning.Pkcs11.Cryptoki;

namespace CodeSigning.Pkcs11;

/// <summary>
/// A PKCS#11 failure with the CK_RV the caller must see. The native shim turns it into that code;
/// any other exception becomes CKR_GENERAL_ERROR.
/// </summary>
public sealed class Pkcs11Exception(CKR result, string message) : Exception(message)
{
    public CKR Result { get; } = result;
}
