namespace CodeSigning.Server.Ca;

/// <summary>A certificate or chain an administrator tried to import was refused; the message says why and what to do.</summary>
public sealed class CertificateImportException : Exception
{
    public CertificateImportException()
    {
    }

    public CertificateImportException(string message)
        : base(message)
    {
    }

    public CertificateImportException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
