namespace CodeSigning.Server.Ca;

/// <summary>Object identifiers the CA code refers to by meaning.</summary>
internal static class Oids
{
    /// <summary>id-kp-codeSigning (RFC 5280 4.2.1.12).</summary>
    public const string CodeSigning = "1.3.6.1.5.5.7.3.3";

    /// <summary>id-kp-timeStamping (RFC 3161 2.3: the only extended key usage of a TSA certificate, critical).</summary>
    public const string TimeStamping = "1.3.6.1.5.5.7.3.8";
}
