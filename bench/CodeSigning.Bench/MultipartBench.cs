using System.Diagnostics;
using System.Security.Cryptography;

namespace CodeSigning.Bench;

/// <summary>
/// Hash-and-sign over a large file: C_SignInit(CKM_SHA256_RSA_PKCS), C_SignUpdate per chunk, C_SignFinal,
/// through our module and SoftHSM2, against <c>sha256sum</c> reading the same page-cached file.
/// </summary>
public static class MultipartBench
{
    public const int ChunkBytes = 1 << 20;

    /// <summary>RSA-2048: SoftHSM2 2.6 has no CKM_ECDSA_SHA256, and over a large file the one final signature hardly counts.</summary>
    public static readonly BenchAlgorithm Algorithm = BenchAlgorithm.Rsa2048;

    /// <param name="publicKey">The Signer's SubjectPublicKeyInfo: our library's signature must verify over the whole file.</param>
    public static MultipartResult Run(long bytes, Pkcs11Module library, byte[] publicKey, SoftHsmToken softHsm)
    {
        var signer = BenchServer.SignerName(Algorithm);
        var file = Path.Combine(Path.GetTempPath(), $"codesign-bench-{Environment.ProcessId}.bin");
        try
        {
            Write(file, bytes);
            // The first pass pulls the file into the page cache; the timed ones read it from memory.
            ToolProcess.Run("sha256sum", [file]);
            var sha256sum = Time(() => ToolProcess.Run("sha256sum", [file]));
            byte[] signature = [];
            var ours = Time(() => signature = Sign(library, signer, signer, file));
            var softhsm = Time(() => Sign(softHsm.Module, SoftHsmToken.TokenLabel, Algorithm.Id, file));
            using (var stream = File.OpenRead(file))
            {
                SignatureCheck.Verify(Paths.Library, Algorithm, publicKey, SHA256.HashData(stream), signature);
            }
            return new MultipartResult(bytes, ChunkBytes, Algorithm.HashAndSignMechanism.ToString(),
                MbPerSecond(bytes, ours), MbPerSecond(bytes, softhsm), MbPerSecond(bytes, sha256sum));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static byte[] Sign(Pkcs11Module module, string token, string key, string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        return module.SignStream(token, key, Algorithm.HashAndSignMechanism, stream, ChunkBytes);
    }

    private static void Write(string file, long bytes)
    {
        var block = new byte[ChunkBytes];
        using var stream = File.Create(file);
        for (long written = 0; written < bytes; written += block.Length)
        {
            RandomNumberGenerator.Fill(block);
            stream.Write(block, 0, (int)Math.Min(block.Length, bytes - written));
        }
    }

    private static TimeSpan Time(Action action)
    {
        var start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start);
    }

    private static double MbPerSecond(long bytes, TimeSpan elapsed) => bytes / 1e6 / elapsed.TotalSeconds;
}
