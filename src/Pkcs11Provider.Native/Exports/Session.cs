using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using CodeSigning.Pkcs11.Cryptoki;
using CodeSigning.Pkcs11.Native.Types;
using static CodeSigning.Pkcs11.Native.Types.Marshalling;

namespace CodeSigning.Pkcs11.Native.Exports;

/// <summary>Session management (section 5.6).</summary>
internal static unsafe class Session
{
    [UnmanagedCallersOnly(EntryPoint = "C_OpenSession", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_OpenSession(CK_SLOT_ID slotID, CK_FLAGS flags, void* pApplication, void* Notify, CK_SESSION_HANDLE* phSession) => Barrier.Run(() =>
    {
        var provider = Provider.Current;
        if (phSession is null)
        {
            return CKR.CKR_ARGUMENTS_BAD;
        }

        *phSession = (CK_SESSION_HANDLE)provider.OpenSession((ulong)slotID, (ulong)flags);
        return CKR.CKR_OK;
    });

    [UnmanagedCallersOnly(EntryPoint = "C_CloseSession", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_CloseSession(CK_SESSION_HANDLE hSession) => Barrier.Run(() =>
    {
        Provider.Current.CloseSession((ulong)hSession);
        return CKR.CKR_OK;
    });

    [UnmanagedCallersOnly(EntryPoint = "C_CloseAllSessions", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_CloseAllSessions(CK_SLOT_ID slotID) => Barrier.Run(() =>
    {
        Provider.Current.CloseAllSessions((ulong)slotID);
        return CKR.CKR_OK;
    });

    [UnmanagedCallersOnly(EntryPoint = "C_GetSessionInfo", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_GetSessionInfo(CK_SESSION_HANDLE hSession, void* pInfo) => Barrier.Run(() =>
    {
        var provider = Provider.Current;
        if (pInfo is null)
        {
            return CKR.CKR_ARGUMENTS_BAD;
        }

        var session = provider.GetSessionInfo((ulong)hSession);
        *(CK_SESSION_INFO*)pInfo = new CK_SESSION_INFO
        {
            slotID = (CK_SLOT_ID)session.SlotId,
            state = (CK_ULONG)session.State,
            flags = (CK_FLAGS)session.Flags,
        };
        return CKR.CKR_OK;
    });

    /// <summary>Operation state lives partly on the server: it cannot be saved.</summary>
    [UnmanagedCallersOnly(EntryPoint = "C_GetOperationState", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_GetOperationState(CK_SESSION_HANDLE hSession, byte* pOperationState, CK_ULONG* pulOperationStateLen) => Unsupported();

    [UnmanagedCallersOnly(EntryPoint = "C_SetOperationState", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_SetOperationState(CK_SESSION_HANDLE hSession, byte* pOperationState, CK_ULONG ulOperationStateLen, CK_OBJECT_HANDLE hEncryptionKey, CK_OBJECT_HANDLE hAuthenticationKey) => Unsupported();

    [UnmanagedCallersOnly(EntryPoint = "C_Login", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_Login(CK_SESSION_HANDLE hSession, CK_USER_TYPE userType, byte* pPin, CK_ULONG ulPinLen) => Barrier.Run(() =>
    {
        var provider = Provider.Current;
        provider.Login((ulong)hSession, (ulong)userType, Encoding.UTF8.GetString(Input(pPin, ulPinLen).Read()));
        return CKR.CKR_OK;
    });

    [UnmanagedCallersOnly(EntryPoint = "C_Logout", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_Logout(CK_SESSION_HANDLE hSession) => Barrier.Run(() =>
    {
        Provider.Current.Logout((ulong)hSession);
        return CKR.CKR_OK;
    });

    /// <summary>3.0 login with a user name: the API key (PIN) already names the user, so the name is checked but not used.</summary>
    [UnmanagedCallersOnly(EntryPoint = "C_LoginUser", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_LoginUser(CK_SESSION_HANDLE hSession, CK_USER_TYPE userType, byte* pPin, CK_ULONG ulPinLen, byte* pUsername, CK_ULONG ulUsernameLen) => Barrier.Run(() =>
    {
        var provider = Provider.Current;
        _ = Input(pUsername, ulUsernameLen).Read();
        provider.Login((ulong)hSession, (ulong)userType, Encoding.UTF8.GetString(Input(pPin, ulPinLen).Read()));
        return CKR.CKR_OK;
    });

    [UnmanagedCallersOnly(EntryPoint = "C_SessionCancel", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_SessionCancel(CK_SESSION_HANDLE hSession, CK_FLAGS flags) => Unsupported();
}
