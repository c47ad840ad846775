using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CodeSigning.Pkcs11.Cryptoki;
using CodeSigning.Pkcs11.Native.Types;
using CodeSigning.Pkcs11.Objects;
using static CodeSigning.Pkcs11.Native.Types.Marshalling;

namespace CodeSigning.Pkcs11.Native.Exports;

/// <summary>Object management (section 5.7).</summary>
internal static unsafe class Objects
{
    [UnmanagedCallersOnly(EntryPoint = "C_CreateObject", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_CreateObject(CK_SESSION_HANDLE hSession, void* pTemplate, CK_ULONG ulCount, CK_OBJECT_HANDLE* phObject) =>
        Refuse(hSession, nameof(C_CreateObject));

    [UnmanagedCallersOnly(EntryPoint = "C_CopyObject", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_CopyObject(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject, void* pTemplate, CK_ULONG ulCount, CK_OBJECT_HANDLE* phNewObject) =>
        Refuse(hSession, nameof(C_CopyObject));

    [UnmanagedCallersOnly(EntryPoint = "C_DestroyObject", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_DestroyObject(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject) => Refuse(hSession, nameof(C_DestroyObject));

    [UnmanagedCallersOnly(EntryPoint = "C_GetObjectSize", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_GetObjectSize(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject, CK_ULONG* pulSize) => Barrier.Run(() =>
    {
        var provider = Provider.Current;
        if (pulSize is null)
        {
            return CKR.CKR_ARGUMENTS_BAD;
        }

        *pulSize = (CK_ULONG)provider.GetObjectSize((ulong)hSession, (ulong)hObject);
        return CKR.CKR_OK;
    });

    [UnmanagedCallersOnly(EntryPoint = "C_GetAttributeValue", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_GetAttributeValue(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject, void* pTemplate, CK_ULONG ulCount) => Barrier.Run(() =>
    {
        var provider = Provider.Current;
        var template = (CK_ATTRIBUTE*)pTemplate;
        if (template is null && (ulong)ulCount != 0)
        {
            return CKR.CKR_ARGUMENTS_BAD;
        }

        var requests = new AttributeRead[(int)Math.Min((ulong)ulCount, int.MaxValue)];
        for (var i = 0; i < requests.Length; i++)
        {
            var capacity = template[i].pValue is null ? (int?)null : (int)Math.Min((ulong)template[i].ulValueLen, int.MaxValue);
            requests[i] = new AttributeRead((ulong)template[i].type, capacity);
        }

        var result = provider.GetAttributeValue((ulong)hSession, (ulong)hObject, requests);
        for (var i = 0; i < requests.Length; i++)
        {
            requests[i].Value?.CopyTo(new Span<byte>(template[i].pValue, requests[i].Value!.Length));
            template[i].ulValueLen = (CK_ULONG)requests[i].Length;
        }

        return result;
    });

    [UnmanagedCallersOnly(EntryPoint = "C_SetAttributeValue", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_SetAttributeValue(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject, void* pTemplate, CK_ULONG ulCount) =>
        Refuse(hSession, nameof(C_SetAttributeValue));

    [UnmanagedCallersOnly(EntryPoint = "C_FindObjectsInit", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_FindObjectsInit(CK_SESSION_HANDLE hSession, void* pTemplate, CK_ULONG ulCount) => Barrier.Run(() =>
    {
        var provider = Provider.Current;
        provider.FindObjectsInit((ulong)hSession, ReadTemplate((CK_ATTRIBUTE*)pTemplate, ulCount));
        return CKR.CKR_OK;
    });

    [UnmanagedCallersOnly(EntryPoint = "C_FindObjects", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_FindObjects(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE* phObject, CK_ULONG ulMaxObjectCount, CK_ULONG* pulObjectCount) => Barrier.Run(() =>
    {
        var provider = Provider.Current;
        if (phObject is null || pulObjectCount is null)
        {
            return CKR.CKR_ARGUMENTS_BAD;
        }

        var found = provider.FindObjects((ulong)hSession, (int)Math.Min((ulong)ulMaxObjectCount, int.MaxValue));
        for (var i = 0; i < found.Length; i++)
        {
            phObject[i] = (CK_OBJECT_HANDLE)found[i];
        }

        *pulObjectCount = (CK_ULONG)(ulong)found.Length;
        return CKR.CKR_OK;
    });

    [UnmanagedCallersOnly(EntryPoint = "C_FindObjectsFinal", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_FindObjectsFinal(CK_SESSION_HANDLE hSession) => Barrier.Run(() =>
    {
        Provider.Current.FindObjectsFinal((ulong)hSession);
        return CKR.CKR_OK;
    });

    private static CK_RV Refuse(CK_SESSION_HANDLE hSession, string function) => Barrier.Run(() =>
    {
        Provider.Current.RefuseModification((ulong)hSession, function);
        return CKR.CKR_OK;
    }, function);
}
