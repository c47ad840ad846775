using System.CommandLine;
using CodeSigning.Cli.Parsing;

namespace CodeSigning.Cli.Commands;

/// <summary>What many verbs share: the Signer they act on.</summary>
internal static class Verbs
{
    /// <summary>The Signer as the positional SIGNER or as <c>--signer</c>; read it with <see cref="Signer"/>.</summary>
    public static Symbol[] SignerSymbols() =>
    [
        Flags.Positional("SIGNER", "the Signer, by name or id"),
        Flags.Text("signer", "the Signer, by name or id (instead of SIGNER)", "SIGNER"),
    ];

    /// <summary>The Signer a command acts on: the next positional or <c>--signer</c>.</summary>
    public static string Signer(Invocation invocation) =>
        invocation.Args.PositionalOrOption("signer", "the Signer (name or id)");
}
