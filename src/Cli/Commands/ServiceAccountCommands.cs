using System.CommandLine;
using CodeSigning.Cli.Parsing;
using System.Security.Cryptography;
using System.Text;
using CodeSigning.Cli.Configuration;
using CodeSigning.Cli.Output;
using CodeSigning.V1;
using Google.Protobuf;

namespace CodeSigning.Cli.Commands;

/// <summary>
/// <c>csign service-account</c>: machine identities. The key pair is made here; only the public key
/// goes to the server, the private key is written for the machine (0600) and nowhere else.
/// </summary>
internal static class ServiceAccountCommands
{
    public const string Usage = """
        usage: csign service-account <verb> ...

          create NAME [--description TEXT] [--key-algorithm ec-p256] [--private-key-out FILE]
          add-key NAME [--key-algorithm ec-p256] [--private-key-out FILE]   a new key pair (rotation)
          add-key NAME --public-key FILE                                    register an existing public key (PEM or DER)
          remove-key NAME KEY_ID
          list
          show NAME
          enable NAME | disable NAME
          archive NAME                   remove for good: its tokens die on the next call, never enabled again

        Key algorithms: ec-p256, ec-p384, rsa-2048, rsa-3072, rsa-4096. The private key is written as
        PKCS#8 PEM to FILE (default ./NAME.key.pem), readable by you only; an existing file is never
        overwritten. The machine then logs in with the line csign prints.

        """;

    public static Noun Command() => new("service-account", "machine identities and their keys", Usage,
        new Verb("create", "create a service account and its first key pair", CreateAsync,
            NameArgument(), Flags.Text("description", "what the account is for", "TEXT"), KeyAlgorithmOption(), PrivateKeyOutOption()),
        new Verb("add-key", "a new key pair (rotation), or register an existing public key", AddKeyAsync,
            NameArgument(), KeyAlgorithmOption(), PrivateKeyOutOption(), Flags.Text("public-key", "register this public key (PEM or DER) instead of making a key pair", "FILE")),
        new Verb("remove-key", "remove one of the account's keys", RemoveKeyAsync, NameArgument(), Flags.Positional("KEY_ID", "the key id")),
        new Verb("list", "every service account", ListAsync),
        new Verb("show", "one service account and its keys", ShowAsync, NameArgument()),
        new Verb("enable", "let the account in again", i => SetEnabledAsync(i, true), NameArgument()),
        new Verb("disable", "shut the account out", i => SetEnabledAsync(i, false), NameArgument()),
        new Verb("archive", "remove for good: its tokens die on the next call, never enabled again", ArchiveAsync, NameArgument()));

    private static Symbol NameArgument() => Flags.Positional("NAME", "the service account name");

    private static Symbol KeyAlgorithmOption() => Flags.Text("key-algorithm", "the new key pair: ec-p256 (default), ec-p384, rsa-2048, rsa-3072 or rsa-4096", "ALGORITHM");

    private static Symbol PrivateKeyOutOption() => Flags.Text("private-key-out", "where to write the private key (default ./NAME.key.pem; never overwritten)", "FILE");

    private static async Task CreateAsync(Invocation invocation)
    {
        var args = invocation.Args;
        var request = new CreateServiceAccountRequest
        {
            Name = args.RequiredPositional("the service account name"),
            Description = args.Option("description") ?? string.Empty,
        };
        using var key = NewKey(args.Option("key-algorithm"));
        var privateKeyFile = PrivateKeyPath(args.Option("private-key-out"), request.Name);

        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        var ct = invocation.CancellationToken;
        var account = await connection.Identity.CreateServiceAccountAsync(request, cancellationToken: ct).ConfigureAwait(false);
        var added = await connection.Identity.AddServiceAccountKeyAsync(
            new AddServiceAccountKeyRequest { ServiceAccount = account.Id, PublicKey = ByteString.CopyFromUtf8(key.ExportSubjectPublicKeyInfoPem()) },
            cancellationToken: ct).ConfigureAwait(false);
        PrivateFile.Write(privateKeyFile, key.ExportPkcs8PrivateKeyPem() + "\n");
        account.Keys.Add(added);
        Show(invocation, account);
        WriteLoginHint(invocation, connection, account.ClientId, added.KeyId, privateKeyFile);
    }

    private static async Task AddKeyAsync(Invocation invocation)
    {
        var args = invocation.Args;
        var name = args.RequiredPositional("the service account name");
        var publicKeyFile = args.Option("public-key");
        var algorithm = args.Option("key-algorithm");
        var privateKeyOut = args.Option("private-key-out");
        if (publicKeyFile is not null && (algorithm is not null || privateKeyOut is not null))
        {
            throw CliException.Usage("--public-key registers an existing key; it does not go with --key-algorithm or --private-key-out");
        }

        using var key = publicKeyFile is null ? NewKey(algorithm) : null;
        var privateKeyFile = key is null ? null : PrivateKeyPath(privateKeyOut, name);
        var publicKey = key is null
            ? ByteString.CopyFrom(await File.ReadAllBytesAsync(publicKeyFile!, invocation.CancellationToken).ConfigureAwait(false))
            : ByteString.CopyFromUtf8(key.ExportSubjectPublicKeyInfoPem());

        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        var ct = invocation.CancellationToken;
        var added = await connection.Identity.AddServiceAccountKeyAsync(
            new AddServiceAccountKeyRequest { ServiceAccount = name, PublicKey = publicKey }, cancellationToken: ct).ConfigureAwait(false);
        if (key is not null)
        {
            PrivateFile.Write(privateKeyFile!, key.ExportPkcs8PrivateKeyPem() + "\n");
        }

        invocation.Printer.Print(added, ("key id", added.KeyId), ("algorithm", added.Algorithm), ("fingerprint", added.Fingerprint), ("private key", privateKeyFile));
        if (privateKeyFile is not null)
        {
            var account = await connection.Identity.GetServiceAccountAsync(new GetServiceAccountRequest { ServiceAccount = name }, cancellationToken: ct).ConfigureAwait(false);
            WriteLoginHint(invocation, connection, account.ClientId, added.KeyId, privateKeyFile);
        }
    }

    private static async Task RemoveKeyAsync(Invocation invocation)
    {
        var request = new RemoveServiceAccountKeyRequest
        {
            ServiceAccount = invocation.Args.RequiredPositional("the service account name"),
            KeyId = invocation.Args.RequiredPositional("the key id"),
        };
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        var empty = await connection.Identity.RemoveServiceAccountKeyAsync(request, cancellationToken: invocation.CancellationToken).ConfigureAwait(false);
        invocation.Printer.Print(empty, w => w.WriteLine($"key {request.KeyId} removed from {request.ServiceAccount}; assertions signed with it are refused from now on"));
    }

    private static async Task ListAsync(Invocation invocation)
    {
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        var accounts = await connection.Identity.ListServiceAccountsAsync(new ListServiceAccountsRequest(), cancellationToken: invocation.CancellationToken).ConfigureAwait(false);
        var table = new Table("NAME", "CLIENT ID", "ENABLED", "KEYS", "DESCRIPTION");
        foreach (var a in accounts.ServiceAccounts)
        {
            table.Add(a.Name, a.ClientId, a.ArchivedAt is null ? Printer.YesNo(a.Enabled) : "archived", a.Keys.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), a.Description);
        }

        invocation.Printer.Print(accounts, table);
    }

    private static async Task ShowAsync(Invocation invocation)
    {
        var name = invocation.Args.RequiredPositional("the service account name");
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        Show(invocation, await connection.Identity.GetServiceAccountAsync(
            new GetServiceAccountRequest { ServiceAccount = name }, cancellationToken: invocation.CancellationToken).ConfigureAwait(false));
    }

    private static async Task ArchiveAsync(Invocation invocation)
    {
        var request = new ArchiveServiceAccountRequest { ServiceAccount = invocation.Args.RequiredPositional("the service account name") };
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        Show(invocation, await connection.Identity.ArchiveServiceAccountAsync(request, cancellationToken: invocation.CancellationToken).ConfigureAwait(false));
    }

    private static async Task SetEnabledAsync(Invocation invocation, bool enabled)
    {
        var request = new SetServiceAccountEnabledRequest { ServiceAccount = invocation.Args.RequiredPositional("the service account name"), Enabled = enabled };
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        Show(invocation, await connection.Identity.SetServiceAccountEnabledAsync(request, cancellationToken: invocation.CancellationToken).ConfigureAwait(false));
    }

    private static AsymmetricAlgorithm NewKey(string? algorithm) => (algorithm ?? "ec-p256") switch
    {
        "ec-p256" => ECDsa.Create(ECCurve.NamedCurves.nistP256),
        "ec-p384" => ECDsa.Create(ECCurve.NamedCurves.nistP384),
        "rsa-2048" => RSA.Create(2048),
        "rsa-3072" => RSA.Create(3072),
        "rsa-4096" => RSA.Create(4096),
        var other => throw CliException.Usage($"--key-algorithm must be one of ec-p256, ec-p384, rsa-2048, rsa-3072, rsa-4096, not \"{other}\""),
    };

    /// <summary>Where the private key goes; checked before the server is touched so a refusal leaves nothing behind.</summary>
    private static string PrivateKeyPath(string? requested, string name)
    {
        var path = Path.GetFullPath(requested ?? $"{name}.key.pem");
        return File.Exists(path)
            ? throw CliException.LocalIo($"{path} already exists; csign never overwrites a private key (choose another --private-key-out)")
            : path;
    }

    private static void WriteLoginHint(Invocation invocation, Connection.ServerConnection connection, string clientId, string keyId, string privateKeyFile)
    {
        if (!invocation.Printer.Json)
        {
            // The machine needs the same trust in the server as this csign has: its CA file, if any.
            var caFile = connection.CaFile;
            var trust = caFile is null ? "" : $" --ca-file {caFile}";
            var output = new DisplayWriter(invocation.Context.Out);
            output.WriteLine($"private key written to {privateKeyFile} (mode 0600); on the machine, log in with:");
            output.WriteLine($"  csign login --server {connection.Server} --service-account {clientId} --private-key {privateKeyFile} --key-id {keyId}{trust}");
            if (caFile is not null)
            {
                output.WriteLine($"(copy the private key and {caFile} to the machine, and give their paths there)");
            }
        }
    }

    private static void Show(Invocation invocation, ServiceAccount account)
    {
        var properties = new List<(string, string?)>
        {
            ("name", account.Name),
            ("id", account.Id),
            ("client id", account.ClientId),
            ("description", account.Description),
            ("enabled", Printer.YesNo(account.Enabled)),
            ("archived", account.ArchivedAt is null ? null : Printer.Time(account.ArchivedAt)),
            ("created", Printer.Time(account.CreatedAt)),
        };
        properties.AddRange(account.Keys.Select(k => ("key", (string?)$"{k.KeyId} {k.Algorithm} sha256 {k.Fingerprint}")));
        invocation.Printer.Print(account, [.. properties]);
    }
}
