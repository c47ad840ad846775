using System.Net;
using CodeSigning.Server.Storage;

namespace CodeSigning.Server.Hosting;

/// <summary>How to run: the command line of <c>codesign-server --data-dir DIR ...</c>.</summary>
/// <param name="Database">Null keeps the SQLite database in <paramref name="DataDir"/>.</param>
/// <param name="DefaultKeyVault">The vault of Signers created without naming one (<c>--key-vault</c>).</param>
/// <param name="Hsm">The HSM vault (<c>--hsm-module</c>, <c>--hsm-token</c>, PIN); null: software vault only.</param>
/// <param name="Timestamping">The timestamp authority (<c>--tsa*</c>); null: the defaults (anonymous).</param>
/// <param name="TimestampListen">The plain-HTTP listener serving only <c>/tsa</c> (<c>--tsa-listen</c>); null: none.</param>
public sealed record ServerOptions(string DataDir, IPAddress ListenAddress, string ListenHost, int ListenPort, bool Plaintext, string? TlsCertificatePath, string? TlsKeyPath,
    string? Database = null, string DefaultKeyVault = Keys.SoftwareKeyVault.VaultKind, Keys.Pkcs11VaultOptions? Hsm = null,
    Timestamping.TimestampingOptions? Timestamping = null, (IPAddress Address, string Host, int Port)? TimestampListen = null)
{
    public const string DefaultListen = "0.0.0.0:8443";

    public Timestamping.TimestampingOptions TimestampingOrDefault => Timestamping ?? new();

    public DatabaseLocation Store => new(DataDir, Database);

    /// <summary>Parses HOST:PORT ([v6]:PORT for IPv6); HOST is an IP address or "localhost".</summary>
    public static (IPAddress Address, string Host, int Port) ParseListen(string listen, string option = "--listen")
    {
        var colon = listen.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(listen[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new ArgumentException($"{option} '{listen}' is not HOST:PORT");
        }
        var host = listen[..colon];
        var address = host == "localhost" ? IPAddress.Loopback
            : IPAddress.TryParse(host.Trim('[', ']'), out var parsed) ? parsed
            : throw new ArgumentException($"{option} host '{host}' must be an IP address or localhost");
        return (address, host, port);
    }
}
