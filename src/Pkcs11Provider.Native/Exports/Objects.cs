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
    public static CK_RV C_GetObjectSize(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject, CK_ULONG* pulSize)
    {
        try
        {
            var provider = Provider.Current;
            if (pulSize is null)
            {
                return Rv(CKR.CKR_ARGUMENTS_BAD);
            }

            *pulSize = (CK_ULONG)provider.GetObjectSize((ulong)hSession, (ulong)hObject);
            return Rv(CKR.CKR_OK);
        }
        catch (Exception ex)
        {
            return Rv(CallFailure.ToResult(ex, nameof(C_GetObjectSize)));
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_GetAttributeValue", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_GetAttributeValue(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject, void* pTemplate, CK_ULONG ulCount)
    {
        try
        {
            var provider = Provider.Current;
            var template = (CK_ATTRIBUTE*)pTemplate;
            if (template is null && (ulong)ulCount != 0)
            {
                return Rv(CKR.CKR_ARGUMENTS_BAD);
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

            return Rv(result);
        }
        catch (Exception ex)
        {
            return Rv(CallFailure.ToResult(ex, nameof(C_GetAttributeValue)));
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_SetAttributeValue", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_SetAttributeValue(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject, void* pTemplate, CK_ULONG ulCount) =>
        Refuse(hSession, nameof(C_SetAttributeValue));

    [UnmanagedCallersOnly(EntryPoint = "C_FindObjectsInit", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_FindObjectsInit(CK_SESSION_HANDLE hSession, void* pTemplate, CK_ULONG ulCount)
    {
        try
        {
            var provider = Provider.Current;
            provider.FindObjectsInit((ulong)hSession, ReadTemplate((CK_ATTRIBUTE*)pTemplate, ulCount));
            return Rv(CKR.CKR_OK);
        }
        catch (Exception ex)
        {
            return Rv(CallFailure.ToResult(ex, nameof(C_FindObjectsInit)));
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_FindObjects", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_FindObjects(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE* phObject, CK_ULONG ulMaxObjectCount, CK_ULONG* pulObjectCount)
    {
        try
        {
            var provider = Provider.Current;
            if (phObject is null || pulObjectCount is null)
            {
                return Rv(CKR.CKR_ARGUMENTS_BAD);
            }

            var found = provider.FindObjects((ulong)hSession, (int)Math.Min((ulong)ulMaxObjectCount, int.MaxValue));
            for (var i = 0; i < found.Length; i++)
            {
                phObject[i] = (CK_OBJECT_HANDLE)found[i];
            }

            *pulObjectCount = (CK_ULONG)(ulong)found.Length;
            return Rv(CKR.CKR_OK);
        }
        catch (Exception ex)
        {
            return Rv(CallFailure.ToResult(ex, nameof(C_FindObjects)));
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_FindObjectsFinal", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_FindObjectsFinal(CK_SESSION_HANDLE hSession)
    {
        try
        {
            Provider.Current.FindObjectsFinal((ulong)hSession);
            return Rv(CKR.CKR_OK);
        }
        catch (Exception ex)
        {
            return Rv(CallFailure.ToResult(ex, nameof(C_FindObjectsFinal)));
        }
    }

    private static CK_RV Refuse(CK_SESSION_HANDLE hSession, string function)
    {
        try
        {
            Provider.Current.RefuseModification((ulong)hSession, function);
            return Rv(CKR.CKR_OK);
        }
        catch (Exception ex)
        {
            return Rv(CallFailure.ToResult(ex, function));
        }
    }
}
