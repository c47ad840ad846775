// Windows scalar types as ncrypt.h defines them, the same width on every 64-bit target (LLP64 and
// LP64 agree on these): DWORD and ULONG are 32-bit, handles are ULONG_PTR, strings are UTF-16
// (C# char), SECURITY_STATUS (a LONG) is the managed enum's 32 bits.
global using DWORD = System.UInt32;
global using NCRYPT_HANDLE = System.UIntPtr;
global using NTSTATUS = System.Int32;
global using CodeSigning.Ksp;
global using CodeSigning.Ksp.Cng;
global using static CodeSigning.Ksp.Cng.SECURITY_STATUS;
