using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CodeSigning.Pkcs11.Native.Types;

[StructLayout(LayoutKind.Sequential, Pack = Packing.Value)]
internal struct CK_SLOT_INFO
{
    public Utf8Chars64 slotDescription;
    public Utf8Chars32 manufacturerID;
    public CK_FLAGS flags;
    public CK_VERSION hardwareVersion;
    public CK_VERSION firmwareVersion;
}

/// <summary>A blank-padded CK_UTF8CHAR[64] field.</summary>
[InlineArray(64)]
internal struct Utf8Chars64
{
    private byte _element;
}
