// PKCS#11 scalar types as the C headers define them: CK_ULONG is `unsigned long`, which is
// 64-bit on Linux/macOS x64 and arm64 (LP64) and 32-bit on Windows (LLP64).
#if WINDOWS
global using CK_ULONG = System.UInt32;
global using CK_RV = System.UInt32;
global using CK_FLAGS = System.UInt32;
global using CK_SLOT_ID = System.UInt32;
global using CK_SESSION_HANDLE = System.UInt32;
global using CK_OBJECT_HANDLE = System.UInt32;
global using CK_MECHANISM_TYPE = System.UInt32;
global using CK_USER_TYPE = System.UInt32;
#else
global using CK_ULONG = System.UIntPtr;
global using CK_RV = System.UIntPtr;
global using CK_FLAGS = System.UIntPtr;
global using CK_SLOT_ID = System.UIntPtr;
global using CK_SESSION_HANDLE = System.UIntPtr;
global using CK_OBJECT_HANDLE = System.UIntPtr;
global using CK_MECHANISM_TYPE = System.UIntPtr;
global using CK_USER_TYPE = System.UIntPtr;
#endif
global using CK_BBOOL = System.Byte;
