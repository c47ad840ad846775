using CodeSigning.Pkcs11.Cryptoki;
using CodeSigning.Pkcs11.Mechanisms;
using CodeSigning.Pkcs11.Objects;

namespace CodeSigning.Pkcs11.Native.Types;

/// <summary>Reads caller memory into managed values and writes results back, validating pointers and lengths.</summary>
internal static unsafe class Marshalling
{
    public static CK_RV Rv(CKR result) => (CK_RV)(ulong)result;

    /// <summary>
    /// What a function the module does not implement answers: CKR_CRYPTOKI_NOT_INITIALIZED before
    /// C_Initialize (and in a fork() child), as every other call does, else <paramref name="answer"/>.
    /// </summary>
    public static CK_RV Unsupported(CKR answer = CKR.CKR_FUNCTION_NOT_SUPPORTED) =>
        Rv(Provider.IsInitialized ? answer : CKR.CKR_CRYPTOKI_NOT_INITIALIZED);

    /// <summary>The caller's buffer; CKR_ARGUMENTS_BAD for a NULL pointer with a length.</summary>
    public static ReadOnlySpan<byte> Input(byte* data, CK_ULONG length) =>
        !IsInput(data, length) ? throw new Pkcs11Exception(CKR.CKR_ARGUMENTS_BAD, "NULL buffer or length out of range")
        : data is null ? [] : new ReadOnlySpan<byte>(data, (int)(ulong)length);

    /// <summary>Whether <see cref="Input"/> accepts the buffer: a pointer, or NULL with length 0, and a length that fits a span.</summary>
    public static bool IsInput(byte* data, CK_ULONG length) => (ulong)length <= int.MaxValue && (data is not null || (ulong)length == 0);

    /// <summary>The length-query convention for a CK_ULONG list: NULL list = count only; too small = CKR_BUFFER_TOO_SMALL.</summary>
    public static CK_RV WriteList(ulong[] values, CK_ULONG* list, CK_ULONG* count)
    {
        if (count is null)
        {
            return Rv(CKR.CKR_ARGUMENTS_BAD);
        }

        if (list is null)
        {
            *count = (CK_ULONG)(ulong)values.Length;
            return Rv(CKR.CKR_OK);
        }

        var capacity = (ulong)*count;
        *count = (CK_ULONG)(ulong)values.Length;
        if (capacity < (ulong)values.Length)
        {
            return Rv(CKR.CKR_BUFFER_TOO_SMALL);
        }

        for (var i = 0; i < values.Length; i++)
        {
            list[i] = (CK_ULONG)values[i];
        }

        return Rv(CKR.CKR_OK);
    }

    /// <summary>Writes a signature (or only its length) following the C_Sign conventions.</summary>
    public static CK_RV WriteOutput(SignatureOutput output, byte* buffer, CK_ULONG* length)
    {
        *length = (CK_ULONG)(ulong)output.Length;
        if (output.Signature is not null)
        {
            output.Signature.CopyTo(new Span<byte>(buffer, output.Signature.Length));
        }

        return Rv(output.Result);
    }

    /// <summary>The capacity of an output buffer, or null for a size query (NULL buffer).</summary>
    public static int? Capacity(byte* buffer, CK_ULONG* length) =>
        buffer is null ? null : (int)Math.Min((ulong)*length, int.MaxValue);

    public static List<TemplateAttribute> ReadTemplate(CK_ATTRIBUTE* template, CK_ULONG count)
    {
        if (template is null && (ulong)count != 0)
        {
            throw new Pkcs11Exception(CKR.CKR_ARGUMENTS_BAD, "NULL template with a count");
        }

        var attributes = new List<TemplateAttribute>((int)Math.Min((ulong)count, 64));
        for (ulong i = 0; i < (ulong)count; i++)
        {
            var attribute = template[i];
            attributes.Add(new TemplateAttribute((ulong)attribute.type, Input((byte*)attribute.pValue, attribute.ulValueLen).ToArray()));
        }

        return attributes;
    }

    /// <summary>The mechanism and, for the PSS mechanisms, its CK_RSA_PKCS_PSS_PARAMS (null when absent or of the wrong size).</summary>
    public static (ulong Type, PssParameters? Pss) ReadMechanism(CK_MECHANISM* mechanism)
    {
        if (mechanism is null)
        {
            throw new Pkcs11Exception(CKR.CKR_ARGUMENTS_BAD, "NULL mechanism");
        }

        var type = (ulong)mechanism->mechanism;
        var length = (ulong)mechanism->ulParameterLen;
        if ((mechanism->pParameter is null && length != 0) || length > int.MaxValue)
        {
            throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID, "pParameter is NULL or ulParameterLen out of range");
        }

        if (MechanismTable.All.FirstOrDefault(m => m.Type == type)?.Scheme != V1.SignatureScheme.RsaPss || length == 0)
        {
            return (type, null);
        }

        return (type, PssParameters.Decode(new ReadOnlySpan<byte>(mechanism->pParameter, (int)length)));
    }
}
