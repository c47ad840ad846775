using SharpFuzz;

namespace CodeSigning.Pkcs11.Fuzz;

/// <summary>
/// Coverage-guided fuzzing of the module's mechanism-parameter and attribute-template handling
/// with AFL++ through SharpFuzz. Modes:
///   instrument DLL   add AFL edge coverage to the CodeSigning.Pkcs11 types of DLL, in place
///   replay FILE...   run inputs once each (seeds, a saved crash); exit 1 on the first finding
///   (none)           the fuzzing loop afl-fuzz drives
/// </summary>
internal static class Program
{
    private const int MaxInput = 64 * 1024;

    public static int Main(string[] args)
    {
        if (args is ["instrument", var assembly])
        {
            var types = Fuzzer.Instrument(assembly, type => type.StartsWith("CodeSigning.Pkcs11.", StringComparison.Ordinal), Options.Value);
            Console.WriteLine($"instrumented {types.Count()} types in {assembly}");
            return 0;
        }

        if (args is ["replay", .. var files])
        {
            foreach (var file in files)
            {
                try
                {
                    Targets.Run(File.ReadAllBytes(file));
                }
                catch (Exception ex)
                {
                    Console.Error.WriteLine($"{file}: {ex}");
                    return 1;
                }
            }

            Console.WriteLine($"replayed {files.Length} inputs");
            return 0;
        }

        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            Targets.Run(buffer.Length > MaxInput ? buffer.GetBuffer()[..MaxInput] : buffer.ToArray());
        });
        return 0;
    }
}
