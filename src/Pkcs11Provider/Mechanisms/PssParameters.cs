using CodeSigning.Pkcs11.Cryptoki;

namespace CodeSigning.Pkcs11.Mechanisms;

/// <summary>CK_RSA_PKCS_PSS_PARAMS as the caller passed them.</summary>
public sealed record PssParameters(ulong HashAlg, ulong Mgf, ulong SaltLength)
{
    /// <summary>
    /// The structure from the caller's pParameter bytes (hashAlg, mgf, sLen: three CK_ULONGs in the
    /// host's width and order), or null when ulParameterLen is not exactly that size.
    /// </summary>
    public static PssParameters? Decode(ReadOnlySpan<byte> parameter) =>
        parameter.Length != 3 * CkUlong.Size
            ? null
            : new PssParameters(CkUlong.Decode(parameter[..CkUlong.Size]), CkUlong.Decode(parameter.Slice(CkUlong.Size, CkUlong.Size)),
                CkUlong.Decode(parameter[(2 * CkUlong.Size)..]));
}
