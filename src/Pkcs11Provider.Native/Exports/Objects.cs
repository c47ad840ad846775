using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CodeSigning.Pkcs11.Cryptoki;

namespace CodeSigning.Pkcs11.Native.Exports;

/// <summary>Object management (section 5.7).</summary>
internal static unsafe class Objects
{
    [UnmanagedCallersOnly(EntryPoint = "C_CreateObject", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_CreateObject(CK_SESSION_HANDLE hSession, void* pTemplate, CK_ULONG ulCount, CK_OBJECT_HANDLE* phObject) => (CK_RV)CKR.CKR_FUNCTION_NOT_SUPPORTED;

    [UnmanagedCallersOnly(EntryPoint = "C_CopyObject", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_CopyObject(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject, void* pTemplate, CK_ULONG ulCount, CK_OBJECT_HANDLE* phNewObject) => (CK_RV)CKR.CKR_FUNCTION_NOT_SUPPORTED;

    [UnmanagedCallersOnly(EntryPoint = "C_DestroyObject", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_DestroyObject(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject) => (CK_RV)CKR.CKR_FUNCTION_NOT_SUPPORTED;

    [UnmanagedCallersOnly(EntryPoint = "C_GetObjectSize", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_GetObjectSize(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject, CK_ULONG* pulSize) => (CK_RV)CKR.CKR_FUNCTION_NOT_SUPPORTED;

    [UnmanagedCallersOnly(EntryPoint = "C_GetAttributeValue", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_GetAttributeValue(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject, void* pTemplate, CK_ULONG ulCount) => (CK_RV)CKR.CKR_FUNCTION_NOT_SUPPORTED;

    [UnmanagedCallersOnly(EntryPoint = "C_SetAttributeValue", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_SetAttributeValue(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject, void* pTemplate, CK_ULONG ulCount) => (CK_RV)CKR.CKR_FUNCTION_NOT_SUPPORTED;

    [UnmanagedCallersOnly(EntryPoint = "C_FindObjectsInit", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_FindObjectsInit(CK_SESSION_HANDLE hSession, void* pTemplate, CK_ULONG ulCount) => (CK_RV)CKR.CKR_FUNCTION_NOT_SUPPORTED;

    [UnmanagedCallersOnly(EntryPoint = "C_FindObjects", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_FindObjects(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE* phObject, CK_ULONG ulMaxObjectCount, CK_ULONG* pulObjectCount) => (CK_RV)CKR.CKR_FUNCTION_NOT_SUPPORTED;

    [UnmanagedCallersOnly(EntryPoint = "C_FindObjectsFinal", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_FindObjectsFinal(CK_SESSION_HANDLE hSession) => (CK_RV)CKR.CKR_FUNCTION_NOT_SUPPORTED;
}
