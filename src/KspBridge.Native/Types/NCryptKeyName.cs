using System.Runtime.InteropServices;

namespace CodeSigning.Ksp.Native.Types;

/// <summary>ncrypt.h: one key of NCryptEnumKeys (24 bytes on 64-bit).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct NCryptKeyName
{
    public char* pszName;
    public char* pszAlgid;
    public DWORD dwLegacyKeySpec;
    public DWORD dwFlags;
}
