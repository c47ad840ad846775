namespace CodeSigning.Server.Timestamping;

/// <summary>
/// PKIFailureInfo (RFC 3161 2.4.2): value <c>1 &lt;&lt; n</c> is named bit n, as
/// <see cref="System.Formats.Asn1.AsnWriter.WriteNamedBitList(System.Enum, System.Formats.Asn1.Asn1Tag?)"/> writes it.
/// </summary>
[Flags]
public enum TimestampFailure
{
    None = 0,

    /// <summary>badAlg: unrecognized or unsupported algorithm (SHA-1, unknown hashes).</summary>
    BadAlg = 1 << 0,

    /// <summary>badRequest: transaction not permitted or supported.</summary>
    BadRequest = 1 << 2,

    /// <summary>badDataFormat: the data submitted has the wrong format (not a TimeStampReq, wrong imprint length, too large).</summary>
    BadDataFormat = 1 << 5,

    /// <summary>unacceptedPolicy: the requested TSA policy is not supported.</summary>
    UnacceptedPolicy = 1 << 15,

    /// <summary>unacceptedExtension: the requested extension is not supported.</summary>
    UnacceptedExtension = 1 << 16,

    /// <summary>systemFailure: the request cannot be handled due to system failure (the key vault).</summary>
    SystemFailure = 1 << 25,
}
