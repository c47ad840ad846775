using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CodeSigning.Pkcs11.Native.Types;

[StructLayout(LayoutKind.Sequential, Pack = Packing.Value)]
internal struct CK_INFO
{
    public CK_VERSION cryptokiVersion;
    public Utf8Chars32 manufacturerID;
    public CK_FLAGS flags;
    public Utf8Chars32 libraryDescription;
    public CK_VERSION libraryVersion;
}

/// <summary>A blank-padded, not NUL-terminated CK_UTF8CHAR[32] field.</summary>
[InlineArray(32)]
internal struct Utf8Chars32
{
    private byte _element;
}
