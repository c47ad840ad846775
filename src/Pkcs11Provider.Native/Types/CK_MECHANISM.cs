using System.Runtime.InteropServices;

namespace CodeSigning.Pkcs11.Native.Types;

[StructLayout(LayoutKind.Sequential, Pack = Packing.Value)]
internal unsafe struct CK_MECHANISM
{
    public CK_MECHANISM_TYPE mechanism;
    public void* pParameter;
    public CK_ULONG ulParameterLen;
}
