using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CodeSigning.Server.Ca;

/// <summary>Reads the subject name an administrator typed for a certificate or CSR.</summary>
internal static class SubjectName
{
    /// <exception cref="ArgumentException">The text is not a distinguished name.</exception>
    public static X500DistinguishedName Parse(string subjectName)
    {
        try
        {
            return new X500DistinguishedName(subjectName);
        }
        catch (CryptographicException e)
        {
            throw new ArgumentException($"'{subjectName}' is not a distinguished name such as \"CN=mobile-app-prod, O=Example\".", nameof(subjectName), e);
        }
    }
}
