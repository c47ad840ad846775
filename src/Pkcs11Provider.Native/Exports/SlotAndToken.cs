using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CodeSigning.Pkcs11.Cryptoki;

namespace CodeSigning.Pkcs11.Native.Exports;

/// <summary>Slot and token management (PKCS#11 3.0 section 5.5).</summary>
internal static unsafe class SlotAndToken
{
    [UnmanagedCallersOnly(EntryPoint = "C_GetSlotList", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_GetSlotList(CK_BBOOL tokenPresent, CK_SLOT_ID* pSlotList, CK_ULONG* pulCount) => (CK_RV)CKR.CKR_FUNCTION_NOT_SUPPORTED;

    [UnmanagedCallersOnly(EntryPoint = "C_GetSlotInfo", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_GetSlotInfo(CK_SLOT_ID slotID, void* pInfo) => (CK_RV)CKR.CKR_FUNCTION_NOT_SUPPORTED;

    [UnmanagedCallersOnly(EntryPoint = "C_GetTokenInfo", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_GetTokenInfo(CK_SLOT_ID slotID, void* pInfo) => (CK_RV)CKR.CKR_FUNCTION_NOT_SUPPORTED;

    [UnmanagedCallersOnly(EntryPoint = "C_GetMechanismList", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_GetMechanismList(CK_SLOT_ID slotID, CK_MECHANISM_TYPE* pMechanismList, CK_ULONG* pulCount) => (CK_RV)CKR.CKR_FUNCTION_NOT_SUPPORTED;

    [UnmanagedCallersOnly(EntryPoint = "C_GetMechanismInfo", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_GetMechanismInfo(CK_SLOT_ID slotID, CK_MECHANISM_TYPE type, void* pInfo) => (CK_RV)CKR.CKR_FUNCTION_NOT_SUPPORTED;

    [UnmanagedCallersOnly(EntryPoint = "C_InitToken", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_InitToken(CK_SLOT_ID slotID, byte* pPin, CK_ULONG ulPinLen, byte* pLabel) => (CK_RV)CKR.CKR_FUNCTION_NOT_SUPPORTED;

    [UnmanagedCallersOnly(EntryPoint = "C_InitPIN", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_InitPIN(CK_SESSION_HANDLE hSession, byte* pPin, CK_ULONG ulPinLen) => (CK_RV)CKR.CKR_FUNCTION_NOT_SUPPORTED;

    [UnmanagedCallersOnly(EntryPoint = "C_SetPIN", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_SetPIN(CK_SESSION_HANDLE hSession, byte* pOldPin, CK_ULONG ulOldLen, byte* pNewPin, CK_ULONG ulNewLen) => (CK_RV)CKR.CKR_FUNCTION_NOT_SUPPORTED;

    [UnmanagedCallersOnly(EntryPoint = "C_WaitForSlotEvent", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_WaitForSlotEvent(CK_FLAGS flags, CK_SLOT_ID* pSlot, void* pReserved) => (CK_RV)CKR.CKR_FUNCTION_NOT_SUPPORTED;
}
