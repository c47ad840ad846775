using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CodeSigning.Pkcs11.Cryptoki;

namespace CodeSigning.Pkcs11.Native.Exports;

/// <summary>Session management (section 5.6).</summary>
internal static unsafe class Session
{
    [UnmanagedCallersOnly(EntryPoint = "C_OpenSession", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_OpenSession(CK_SLOT_ID slotID, CK_FLAGS flags, void* pApplication, void* Notify, CK_SESSION_HANDLE* phSession) => (CK_RV)CKR.CKR_FUNCTION_NOT_SUPPORTED;

    [UnmanagedCallersOnly(EntryPoint = "C_CloseSession", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_CloseSession(CK_SESSION_HANDLE hSession) => (CK_RV)CKR.CKR_FUNCTION_NOT_SUPPORTED;

    [UnmanagedCallersOnly(EntryPoint = "C_CloseAllSessions", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_CloseAllSessions(CK_SLOT_ID slotID) => (CK_RV)CKR.CKR_FUNCTION_NOT_SUPPORTED;

    [UnmanagedCallersOnly(EntryPoint = "C_GetSessionInfo", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_GetSessionInfo(CK_SESSION_HANDLE hSession, void* pInfo) => (CK_RV)CKR.CKR_FUNCTION_NOT_SUPPORTED;

    [UnmanagedCallersOnly(EntryPoint = "C_GetOperationState", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_GetOperationState(CK_SESSION_HANDLE hSession, byte* pOperationState, CK_ULONG* pulOperationStateLen) => (CK_RV)CKR.CKR_FUNCTION_NOT_SUPPORTED;

    [UnmanagedCallersOnly(EntryPoint = "C_SetOperationState", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_SetOperationState(CK_SESSION_HANDLE hSession, byte* pOperationState, CK_ULONG ulOperationStateLen, CK_OBJECT_HANDLE hEncryptionKey, CK_OBJECT_HANDLE hAuthenticationKey) => (CK_RV)CKR.CKR_FUNCTION_NOT_SUPPORTED;

    [UnmanagedCallersOnly(EntryPoint = "C_Login", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_Login(CK_SESSION_HANDLE hSession, CK_USER_TYPE userType, byte* pPin, CK_ULONG ulPinLen) => (CK_RV)CKR.CKR_FUNCTION_NOT_SUPPORTED;

    [UnmanagedCallersOnly(EntryPoint = "C_Logout", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_Logout(CK_SESSION_HANDLE hSession) => (CK_RV)CKR.CKR_FUNCTION_NOT_SUPPORTED;

    [UnmanagedCallersOnly(EntryPoint = "C_LoginUser", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_LoginUser(CK_SESSION_HANDLE hSession, CK_USER_TYPE userType, byte* pPin, CK_ULONG ulPinLen, byte* pUsername, CK_ULONG ulUsernameLen) => (CK_RV)CKR.CKR_FUNCTION_NOT_SUPPORTED;

    [UnmanagedCallersOnly(EntryPoint = "C_SessionCancel", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_SessionCancel(CK_SESSION_HANDLE hSession, CK_FLAGS flags) => (CK_RV)CKR.CKR_FUNCTION_NOT_SUPPORTED;
}
