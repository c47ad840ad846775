using System.Runtime.InteropServices;

namespace CodeSigning.Ksp.Native.Types;

/// <summary>bcrypt.h: pPaddingInfo of NCryptSignHash with BCRYPT_PAD_PSS.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct BCRYPT_PSS_PADDING_INFO
{
    public char* pszAlgId;
    public DWORD cbSalt;
}
