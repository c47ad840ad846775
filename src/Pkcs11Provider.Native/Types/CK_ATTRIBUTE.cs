using System.Runtime.InteropServices;

namespace CodeSigning.Pkcs11.Native.Types;

[StructLayout(LayoutKind.Sequential, Pack = Packing.Value)]
internal unsafe struct CK_ATTRIBUTE
{
    public CK_ULONG type;
    public void* pValue;
    public CK_ULONG ulValueLen;
}
