using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CodeSigning.Pkcs11.Native.Types;

[StructLayout(LayoutKind.Sequential, Pack = Packing.Value)]
internal struct CK_TOKEN_INFO
{
    public Utf8Chars32 label;
    public Utf8Chars32 manufacturerID;
    public Utf8Chars16 model;
    public Utf8Chars16 serialNumber;
    public CK_FLAGS flags;
    public CK_ULONG ulMaxSessionCount;
    public CK_ULONG ulSessionCount;
    public CK_ULONG ulMaxRwSessionCount;
    public CK_ULONG ulRwSessionCount;
    public CK_ULONG ulMaxPinLen;
    public CK_ULONG ulMinPinLen;
    public CK_ULONG ulTotalPublicMemory;
    public CK_ULONG ulFreePublicMemory;
    public CK_ULONG ulTotalPrivateMemory;
    public CK_ULONG ulFreePrivateMemory;
    public CK_VERSION hardwareVersion;
    public CK_VERSION firmwareVersion;
    public Utf8Chars16 utcTime;
}

/// <summary>A blank-padded CK_UTF8CHAR[16] field.</summary>
[InlineArray(16)]
internal struct Utf8Chars16
{
    private byte _element;
}
