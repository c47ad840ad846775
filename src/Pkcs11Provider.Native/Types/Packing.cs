namespace CodeSigning.Pkcs11.Native.Types;

/// <summary>pkcs11.h packs every structure to 1 byte on Windows and uses natural alignment elsewhere.</summary>
internal static class Packing
{
#if WINDOWS
    public const int Value = 1;
#else
    public const int Value = 0;
#endif
}
