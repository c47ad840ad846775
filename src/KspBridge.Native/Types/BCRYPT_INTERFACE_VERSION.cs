using System.Runtime.InteropServices;

namespace CodeSigning.Ksp.Native.Types;

/// <summary>bcrypt.h: two USHORTs; the table pads it to pointer alignment.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct BCRYPT_INTERFACE_VERSION
{
    public ushort MajorVersion;
    public ushort MinorVersion;
}
