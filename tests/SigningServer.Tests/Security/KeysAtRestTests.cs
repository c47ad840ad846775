using System.Data.Common;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using CodeSigning.Server.Tests.Server;
using CodeSigning.Tests.Shared;
using CodeSigning.V1;

namespace CodeSigning.Server.Tests.Security;

/// <summary>
/// Private keys are sealed at rest: the test opens a sealed key with the key-encryption key file,
/// as only the server should be able to, then shows that the plaintext appears nowhere in the
/// database, in any encoding, nor the KEK itself.
/// </summary>
public sealed class KeysAtRestTests(KeysAtRestTests.Fixture fixture) : IClassFixture<KeysAtRestTests.Fixture>
{
    private const string Signer = "at-rest";

    public sealed class Fixture : InProcessServer
    {
        public V1.Signer Created { get; private set; } = null!;

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            Created = await CreateSignerAsync(Signer, KeyAlgorithm.EcP256, ("admin", Role.Administrator));
            await Admin.Sign.SignAsync(SignTests.Request(Signer, SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, new byte[32]));
        }
    }

    [Fact]
    public void Every_private_key_in_the_database_is_sealed_and_its_plaintext_is_in_no_database_file()
    {
        var keks = SealedKey.Keks(fixture.DataDir);
        using var connection = fixture.OpenDatabase();
        var sealedKeys = new Dictionary<string, byte[]>
        {
            [Signer] = (byte[])Scalar(connection, $"SELECT key_reference FROM signers WHERE name = '{Signer}'"),
            ["ca.root.key"] = (byte[])Scalar(connection, "SELECT value FROM settings WHERE key = 'ca.root.key'"),
            ["ca.issuing.key"] = (byte[])Scalar(connection, "SELECT value FROM settings WHERE key = 'ca.issuing.key'"),
        };

        // The Signer's sealed key opens to the private key of its certificate: the test holds the real plaintext.
        var signerKey = SealedKey.Unseal(sealedKeys[Signer], keks);
        using (var certificate = X509CertificateLoader.LoadCertificate(fixture.Created.CertificateChain[0].ToByteArray()))
        using (var key = ECDsa.Create())
        {
            key.ImportPkcs8PrivateKey(signerKey, out _);
            Assert.Equal(certificate.GetECDsaPublicKey()!.ExportSubjectPublicKeyInfo(), key.ExportSubjectPublicKeyInfo());
        }

        var stored = StoredBytes(connection);
        Assert.NotEmpty(stored);
        Assert.Contains(stored, s => s.AsSpan().IndexOf(sealedKeys[Signer]) >= 0 || Contains(s, Convert.ToHexString(sealedKeys[Signer])));
        foreach (var sealedKey in sealedKeys.Values)
        {
            var pkcs8 = SealedKey.Unseal(sealedKey, keks);
            foreach (var secret in new[] { pkcs8, SealedKey.PrivateScalar(pkcs8) }.Concat(keks.Values).SelectMany(SealedKey.Encodings))
            {
                Assert.DoesNotContain(stored, s => s.AsSpan().IndexOf(secret) >= 0);
            }
        }
    }

    /// <summary>Every byte the database holds: the SQLite files as they are on disk (db, -wal, -shm), or every PostgreSQL row as text.</summary>
    private List<byte[]> StoredBytes(DbConnection connection)
    {
        if (fixture.Database is null)
        {
            var database = Path.Combine(fixture.DataDir, "codesign.db");
            return [.. new[] { database, database + "-wal", database + "-shm" }.Where(File.Exists).Select(ReadShared)];
        }
        var tables = new List<string>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }
        // bytea prints as \x + lower-case hex: covered by the hex encodings above.
        return [.. tables.Select(t => Encoding.UTF8.GetBytes((string)(Scalar(connection, $"SELECT coalesce(string_agg(t::text, ''), '') FROM \"{t}\" t"))))];
    }

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static bool Contains(byte[] haystack, string text) => haystack.AsSpan().IndexOf(Encoding.ASCII.GetBytes(text.ToLowerInvariant())) >= 0;

    private static object Scalar(DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar()!;
    }
}
