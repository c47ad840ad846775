using System.Formats.Asn1;

namespace CodeSigning.Server.Timestamping;

/// <summary>
/// Encodes TimeStampResp (RFC 3161 2.4.2). System.Security.Cryptography.Pkcs decodes responses but
/// cannot build one, so the small PKIStatusInfo wrapper is written with <see cref="AsnWriter"/>.
/// </summary>
public static class TimestampResponse
{
    private const int Granted = 0;
    private const int Rejection = 2;

    /// <param name="token">The TimeStampToken: a DER ContentInfo holding the SignedData.</param>
    public static byte[] Grant(byte[] token)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                writer.WriteInteger(Granted);
            }
            writer.WriteEncodedValue(token);
        }
        return writer.Encode();
    }

    /// <param name="statusString">Said to the person running the client; plain ASCII, no secrets.</param>
    public static byte[] Reject(TimestampFailure failure, string statusString)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        using (writer.PushSequence())
        {
            writer.WriteInteger(Rejection);
            using (writer.PushSequence())
            {
                writer.WriteCharacterString(UniversalTagNumber.UTF8String, statusString);
            }
            writer.WriteNamedBitList(failure);
        }
        return writer.Encode();
    }
}
