using System.Text;

namespace CodeSigning.Pkcs11.Native.Types;

/// <summary>Writes the blank-padded UTF-8 text fields of CK_INFO, CK_SLOT_INFO and CK_TOKEN_INFO.</summary>
internal static class BlankPadded
{
    public static void Write(Span<byte> field, string value)
    {
        field.Fill((byte)' ');
        // Truncate on a character boundary so the field never ends in half a UTF-8 sequence.
        var encoder = Encoding.UTF8.GetEncoder();
        encoder.Convert(value.AsSpan(), field, flush: true, out _, out _, out _);
    }
}
