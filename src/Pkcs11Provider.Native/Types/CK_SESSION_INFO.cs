using System.Runtime.InteropServices;

namespace CodeSigning.Pkcs11.Native.Types;

[StructLayout(LayoutKind.Sequential, Pack = Packing.Value)]
internal struct CK_SESSION_INFO
{
    public CK_SLOT_ID slotID;
    public CK_ULONG state;
    public CK_FLAGS flags;
    public CK_ULONG ulDeviceError;
}
