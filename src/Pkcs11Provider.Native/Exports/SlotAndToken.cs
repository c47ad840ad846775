using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CodeSigning.Pkcs11.Cryptoki;
using CodeSigning.Pkcs11.Native.Types;
using static CodeSigning.Pkcs11.Native.Types.Marshalling;

namespace CodeSigning.Pkcs11.Native.Exports;

/// <summary>Slot and token management (PKCS#11 3.0 section 5.5).</summary>
internal static unsafe class SlotAndToken
{
    [UnmanagedCallersOnly(EntryPoint = "C_GetSlotList", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_GetSlotList(CK_BBOOL tokenPresent, CK_SLOT_ID* pSlotList, CK_ULONG* pulCount) => Barrier.Run(() =>
    {
        var provider = Provider.Current;
        return pulCount is null ? CKR.CKR_ARGUMENTS_BAD : WriteList(provider.GetSlotList(), pSlotList, pulCount);
    });

    [UnmanagedCallersOnly(EntryPoint = "C_GetSlotInfo", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_GetSlotInfo(CK_SLOT_ID slotID, void* pInfo) => Barrier.Run(() =>
    {
        var provider = Provider.Current;
        if (pInfo is null)
        {
            return CKR.CKR_ARGUMENTS_BAD;
        }

        var slot = provider.GetSlotInfo((ulong)slotID);
        var info = (CK_SLOT_INFO*)pInfo;
        *info = default;
        BlankPadded.Write(info->slotDescription, slot.Description);
        BlankPadded.Write(info->manufacturerID, slot.Manufacturer);
        info->flags = (CK_FLAGS)slot.Flags;
        info->hardwareVersion = new CK_VERSION { major = 1 };
        info->firmwareVersion = new CK_VERSION { major = 1 };
        return CKR.CKR_OK;
    });

    [UnmanagedCallersOnly(EntryPoint = "C_GetTokenInfo", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_GetTokenInfo(CK_SLOT_ID slotID, void* pInfo) => Barrier.Run(() =>
    {
        var provider = Provider.Current;
        if (pInfo is null)
        {
            return CKR.CKR_ARGUMENTS_BAD;
        }

        var token = provider.GetTokenInfo((ulong)slotID);
        var info = (CK_TOKEN_INFO*)pInfo;
        *info = default;
        BlankPadded.Write(info->label, token.Label);
        BlankPadded.Write(info->manufacturerID, token.Manufacturer);
        BlankPadded.Write(info->model, token.Model);
        BlankPadded.Write(info->serialNumber, token.Serial);
        BlankPadded.Write(info->utcTime, "");
        info->flags = (CK_FLAGS)token.Flags;
        var unavailable = unchecked((CK_ULONG)CkUlong.CK_UNAVAILABLE_INFORMATION);
        info->ulMaxSessionCount = 0; // CK_EFFECTIVELY_INFINITE
        info->ulSessionCount = (CK_ULONG)token.SessionCount;
        info->ulMaxRwSessionCount = 0;
        info->ulRwSessionCount = 0;
        info->ulMaxPinLen = 256;
        info->ulMinPinLen = 0;
        info->ulTotalPublicMemory = unavailable;
        info->ulFreePublicMemory = unavailable;
        info->ulTotalPrivateMemory = unavailable;
        info->ulFreePrivateMemory = unavailable;
        info->hardwareVersion = new CK_VERSION { major = 1 };
        info->firmwareVersion = new CK_VERSION { major = 1 };
        return CKR.CKR_OK;
    });

    [UnmanagedCallersOnly(EntryPoint = "C_GetMechanismList", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_GetMechanismList(CK_SLOT_ID slotID, CK_MECHANISM_TYPE* pMechanismList, CK_ULONG* pulCount) => Barrier.Run(() =>
    {
        var provider = Provider.Current;
        return pulCount is null ? CKR.CKR_ARGUMENTS_BAD : WriteList(provider.GetMechanismList((ulong)slotID), pMechanismList, pulCount);
    });

    [UnmanagedCallersOnly(EntryPoint = "C_GetMechanismInfo", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_GetMechanismInfo(CK_SLOT_ID slotID, CK_MECHANISM_TYPE type, void* pInfo) => Barrier.Run(() =>
    {
        var provider = Provider.Current;
        if (pInfo is null)
        {
            return CKR.CKR_ARGUMENTS_BAD;
        }

        var (min, max, flags) = provider.GetMechanismInfo((ulong)slotID, (ulong)type);
        *(CK_MECHANISM_INFO*)pInfo = new CK_MECHANISM_INFO { ulMinKeySize = (CK_ULONG)min, ulMaxKeySize = (CK_ULONG)max, flags = (CK_FLAGS)flags };
        return CKR.CKR_OK;
    });

    [UnmanagedCallersOnly(EntryPoint = "C_InitToken", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_InitToken(CK_SLOT_ID slotID, byte* pPin, CK_ULONG ulPinLen, byte* pLabel) => Barrier.Run(() =>
    {
        Provider.Current.RefuseInitToken((ulong)slotID);
        return CKR.CKR_OK;
    });

    [UnmanagedCallersOnly(EntryPoint = "C_InitPIN", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_InitPIN(CK_SESSION_HANDLE hSession, byte* pPin, CK_ULONG ulPinLen) => Barrier.Run(() =>
    {
        Provider.Current.RefuseModification((ulong)hSession, nameof(C_InitPIN));
        return CKR.CKR_OK;
    });

    [UnmanagedCallersOnly(EntryPoint = "C_SetPIN", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_SetPIN(CK_SESSION_HANDLE hSession, byte* pOldPin, CK_ULONG ulOldLen, byte* pNewPin, CK_ULONG ulNewLen) => Barrier.Run(() =>
    {
        Provider.Current.RefuseModification((ulong)hSession, nameof(C_SetPIN));
        return CKR.CKR_OK;
    });

    /// <summary>Slots only change when the Signer list does; there is no event to wait for.</summary>
    [UnmanagedCallersOnly(EntryPoint = "C_WaitForSlotEvent", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_WaitForSlotEvent(CK_FLAGS flags, CK_SLOT_ID* pSlot, void* pReserved) => Unsupported();
}
