using System.Runtime.InteropServices;

namespace CodeSigning.Ksp.Native.Types;

/// <summary>bcrypt.h: pPaddingInfo of NCryptSignHash with BCRYPT_PAD_PKCS1.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct BCRYPT_PKCS1_PADDING_INFO
{
    public char* pszAlgId;
}
