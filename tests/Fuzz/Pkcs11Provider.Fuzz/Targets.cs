using CodeSigning.Pkcs11.Cryptoki;
using CodeSigning.Pkcs11.Mechanisms;
using CodeSigning.Pkcs11.Objects;
using CodeSigning.Pkcs11.Tokens;

namespace CodeSigning.Pkcs11.Fuzz;

/// <summary>
/// What the module does with a caller's CK_MECHANISM and CK_ATTRIBUTE arrays once the shim has
/// copied them: decode and check mechanism parameters, start, feed and finish an operation, match
/// a search template and answer C_GetAttributeValue. A refusal is a Pkcs11Exception; any other
/// exception, or a broken invariant, is a finding.
/// </summary>
internal static class Targets
{
    private static readonly ulong[] AttributeTypes =
    [
        CKA.CKA_CLASS, CKA.CKA_TOKEN, CKA.CKA_PRIVATE, CKA.CKA_LABEL, CKA.CKA_VALUE, CKA.CKA_CERTIFICATE_TYPE, CKA.CKA_ISSUER,
        CKA.CKA_SERIAL_NUMBER, CKA.CKA_KEY_TYPE, CKA.CKA_SUBJECT, CKA.CKA_ID, CKA.CKA_SENSITIVE, CKA.CKA_SIGN, CKA.CKA_VERIFY,
        CKA.CKA_MODULUS, CKA.CKA_MODULUS_BITS, CKA.CKA_PUBLIC_EXPONENT, CKA.CKA_PRIVATE_EXPONENT, CKA.CKA_EC_PARAMS, CKA.CKA_EC_POINT,
        CKA.CKA_PUBLIC_KEY_INFO, CKA.CKA_ALWAYS_AUTHENTICATE, CKA.CKA_CHECK_VALUE, CKA.CKA_CERTIFICATE_CATEGORY,
    ];

    public static void Run(byte[] data)
    {
        var input = new FuzzInput(data);
        var token = (input.Byte() & 1) == 0 ? Tokens.Rsa : Tokens.Ec;
        try
        {
            Mechanism(input, token);
        }
        catch (Pkcs11Exception)
        {
            // Refused with a CK_RV: what a caller's bad mechanism or data should get.
        }

        Template(input, token);
    }

    private static void Mechanism(FuzzInput input, Token token)
    {
        var pick = input.Byte();
        var type = pick < 0xF0 ? MechanismTable.All[pick % MechanismTable.All.Count].Type : input.ULong();
        var pss = PssParameters.Decode(input.Bytes(input.Byte()));
        using var operation = SignatureOperation.Start(type, pss, token, token.Snapshot!.Key);
        for (var parts = input.Byte() % 4; parts > 0; parts--)
        {
            operation.Update(input.Bytes(input.Byte()));
        }

        var signatureInput = operation.Complete(input.Bytes(input.Byte()));
        if (signatureInput.Digest.Length != Digests.Length(signatureInput.Hash))
        {
            throw new InvalidOperationException($"a {signatureInput.Hash.Name} digest of {signatureInput.Digest.Length} bytes would be sent");
        }

        operation.Verify(signatureInput, input.Bytes(2 * input.Byte()));
    }

    private static void Template(FuzzInput input, Token token)
    {
        var template = new List<TemplateAttribute>();
        for (var count = input.Byte() % 8; count > 0; count--)
        {
            var pick = input.Byte();
            var type = pick < 0xE0 ? AttributeTypes[pick % AttributeTypes.Length] : input.ULong();
            // A CK_ULONG-shaped value reaches the matching paths that random bytes rarely would.
            var value = (input.Byte() & 1) == 0 ? CkUlong.Encode(input.Byte()) : input.Bytes(input.Byte());
            template.Add(new TemplateAttribute(type, value));
        }

        foreach (var candidate in token.Objects)
        {
            _ = candidate.Matches(template);
            var reads = template.Select(a => new AttributeRead(a.Type, a.Value.Length == 0 ? null : a.Value[0])).ToList();
            var result = candidate.Read(reads);
            foreach (var read in reads)
            {
                if (read.Value is not null && (read.Capacity is null || read.Value.Length > read.Capacity))
                {
                    throw new InvalidOperationException($"attribute 0x{read.Type:X}: {read.Value.Length} bytes for a buffer of {read.Capacity}");
                }

            }

            // CK_UNAVAILABLE_INFORMATION exactly for the attributes that make the call fail.
            if (reads.Any(r => r.Length == CkUlong.CK_UNAVAILABLE_INFORMATION) == (result == CKR.CKR_OK))
            {
                throw new InvalidOperationException($"C_GetAttributeValue answered {result} with lengths {string.Join(", ", reads.Select(r => r.Length))}");
            }
        }
    }
}
