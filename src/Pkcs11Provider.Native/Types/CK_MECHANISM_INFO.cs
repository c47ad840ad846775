using System.Runtime.InteropServices;

namespace CodeSigning.Pkcs11.Native.Types;

[StructLayout(LayoutKind.Sequential, Pack = Packing.Value)]
internal struct CK_MECHANISM_INFO
{
    public CK_ULONG ulMinKeySize;
    public CK_ULONG ulMaxKeySize;
    public CK_FLAGS flags;
}
