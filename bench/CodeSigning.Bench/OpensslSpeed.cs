using System.Globalization;

namespace CodeSigning.Bench;

/// <summary><c>openssl speed</c> (one process, one core) for the four key types: the library's own figures for reference.</summary>
public static class OpensslSpeed
{
    public static IReadOnlyList<OpensslSpeedRow> Run(int seconds)
    {
        var output = ToolProcess.Run("openssl", ["speed", "-mr", "-seconds", seconds.ToString(CultureInfo.InvariantCulture),
            "rsa2048", "rsa3072", "ecdsap256", "ecdsap384"]);
        // Machine-readable results: "+F2:<index>:<bits>:<sign/s>:<verify/s>" for RSA, "+F4:..." for ECDSA.
        var rows = new List<OpensslSpeedRow>();
        foreach (var line in output.Split('\n'))
        {
            var fields = line.Trim().Split(':');
            if (fields.Length < 4 || fields[0] is not ("+F2" or "+F4"))
            {
                continue;
            }
            var name = (fields[0], fields[2]) switch
            {
                ("+F2", "2048") => BenchAlgorithm.Rsa2048.Name,
                ("+F2", "3072") => BenchAlgorithm.Rsa3072.Name,
                ("+F4", "256") => BenchAlgorithm.EcP256.Name,
                ("+F4", "384") => BenchAlgorithm.EcP384.Name,
                _ => null,
            };
            if (name is not null)
            {
                rows.Add(new OpensslSpeedRow(name, double.Parse(fields[3], CultureInfo.InvariantCulture)));
            }
        }
        return rows.Count == 4 ? rows : throw new InvalidOperationException($"cannot read openssl speed's output:\n{output}");
    }
}
