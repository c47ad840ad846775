using System.Runtime.InteropServices;

namespace CodeSigning.Pkcs11.Native.Types;

[StructLayout(LayoutKind.Sequential, Pack = Packing.Value)]
internal struct CK_RSA_PKCS_PSS_PARAMS
{
    public CK_MECHANISM_TYPE hashAlg;
    public CK_ULONG mgf;
    public CK_ULONG sLen;
}
