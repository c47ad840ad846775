namespace CodeSigning.Bench;

/// <summary>The ways to a signature the matrix compares, as named in the results.</summary>
public static class Paths
{
    /// <summary>Our PKCS#11 module, C_Sign over loopback TLS to the server.</summary>
    public const string Library = "library";

    /// <summary>SoftHSM2, a local token.</summary>
    public const string SoftHsm2 = "softhsm2";

    /// <summary>The key operation in-process (.NET over OpenSSL).</summary>
    public const string Raw = "raw";

    /// <summary>The Sign API called directly over gRPC.</summary>
    public const string Grpc = "grpc";

    public static readonly IReadOnlyList<string> All = [Library, SoftHsm2, Raw, Grpc];
}
