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

    /// <summary>
    /// The caller's buffer: a pointer, or NULL with length 0, and a length that fits a span; anything
    /// else is CKR_ARGUMENTS_BAD when read.
    /// </summary>
    public static CallerInput Input(byte* data, CK_ULONG length) =>
        (ulong)length > int.MaxValue || (data is null && (ulong)length != 0) ? CallerInput.Invalid("NULL buffer or length out of range")
        : data is null ? default : new CallerInput(new ReadOnlySpan<byte>(data, (int)(ulong)length));

    /// <summary>
    /// A C_Sign-style output buffer: its capacity, none for a size query (NULL buffer); a NULL length
    /// pointer is CKR_ARGUMENTS_BAD when read.
    /// </summary>
    public static CallerOutput Output(byte* buffer, CK_ULONG* length) =>
        length is null ? CallerOutput.Invalid("NULL length pointer")
        : buffer is null ? new CallerOutput(null) : new CallerOutput((int)Math.Min((ulong)*length, int.MaxValue));

    /// <summary>The length-query convention for a CK_ULONG list: NULL list = count only; too small = CKR_BUFFER_TOO_SMALL.</summary>
    public static CKR WriteList(ulong[] values, CK_ULONG* list, CK_ULONG* count)
    {
        if (count is null)
        {
            return CKR.CKR_ARGUMENTS_BAD;
        }

        if (list is null)
        {
            *count = (CK_ULONG)(ulong)values.Length;
            return CKR.CKR_OK;
        }

        var capacity = (ulong)*count;
        *count = (CK_ULONG)(ulong)values.Length;
        if (capacity < (ulong)values.Length)
        {
            return CKR.CKR_BUFFER_TOO_SMALL;
        }

        for (var i = 0; i < values.Length; i++)
        {
            list[i] = (CK_ULONG)values[i];
        }

        return CKR.CKR_OK;
    }

    /// <summary>Writes a signature (or only its length) following the C_Sign conventions; <paramref name="length"/> was checked by <see cref="Output"/>.</summary>
    public static CKR WriteOutput(SignatureOutput output, byte* buffer, CK_ULONG* length)
    {
        *length = (CK_ULONG)(ulong)output.Length;
        if (output.Signature is not null)
        {
            output.Signature.CopyTo(new Span<byte>(buffer, output.Signature.Length));
        }

        return output.Result;
    }

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
            attributes.Add(new TemplateAttribute((ulong)attribute.type, Input((byte*)attribute.pValue, attribute.ulValueLen).Read().ToArray()));
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
