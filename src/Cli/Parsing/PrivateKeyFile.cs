using System.Security.Cryptography;

namespace CodeSigning.Cli.Parsing;

/// <summary>
/// A team's existing key file, for <c>signer create --import-key</c>: PEM PKCS#8 (<c>PRIVATE KEY</c>),
/// encrypted PKCS#8 (<c>ENCRYPTED PRIVATE KEY</c>), or the traditional <c>RSA PRIVATE KEY</c> /
/// <c>EC PRIVATE KEY</c>, turned into the unencrypted DER PKCS#8 the server seals at once.
/// </summary>
internal static class PrivateKeyFile
{
    public const string PasswordVariable = "CODESIGN_KEY_PASSWORD";

    /// <param name="password">For an encrypted key; null when none was given.</param>
    /// <exception cref="CliException">The file is missing, holds no private key PEM block, or cannot be decrypted.</exception>
    public static byte[] ReadPkcs8(string path, string? password)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CliException.LocalIo($"cannot read the key file {path}: {e.Message}");
        }
        if (!PemEncoding.TryFind(text, out var fields))
        {
            throw CliException.Usage($"{path} holds no PEM block; expected PRIVATE KEY, ENCRYPTED PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY");
        }
        var der = Convert.FromBase64String(text[fields.Base64Data]);
        try
        {
            return text[fields.Label] switch
            {
                "PRIVATE KEY" => der.ToArray(),
                "ENCRYPTED PRIVATE KEY" => Decrypt(path, der, password),
                "RSA PRIVATE KEY" => Export(RSA.Create(), key => key.ImportRSAPrivateKey(der, out _)),
                "EC PRIVATE KEY" => Export(ECDsa.Create(), key => key.ImportECPrivateKey(der, out _)),
                var label => throw CliException.Usage($"{path} holds a {label}, not a private key (PRIVATE KEY, ENCRYPTED PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)"),
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(der);
        }
    }

    private static byte[] Decrypt(string path, byte[] der, string? password)
    {
        if (password is null)
        {
            throw CliException.Usage($"{path} is encrypted: give its password with --key-password-file FILE or {PasswordVariable}");
        }
        // The PKCS#8 envelope does not say the key type before decryption: try both we support.
        try
        {
            return Export(RSA.Create(), key => key.ImportEncryptedPkcs8PrivateKey(password, der, out _));
        }
        catch (CryptographicException)
        {
            try
            {
                return Export(ECDsa.Create(), key => key.ImportEncryptedPkcs8PrivateKey(password, der, out _));
            }
            catch (CryptographicException)
            {
                throw CliException.Usage($"cannot decrypt {path}: wrong password, or not an RSA or EC key");
            }
        }
    }

    private static byte[] Export<T>(T key, Action<T> import)
        where T : AsymmetricAlgorithm
    {
        using (key)
        {
            import(key);
            return key.ExportPkcs8PrivateKey();
        }
    }
}
