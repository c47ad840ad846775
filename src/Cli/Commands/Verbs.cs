namespace CodeSigning.Cli.Commands;

/// <summary>Runs the verb named by the first positional of a noun's arguments.</summary>
internal static class Verbs
{
    public static Task RunAsync(Invocation invocation, string noun, IReadOnlyDictionary<string, Func<Invocation, Task>> verbs)
    {
        var choices = string.Join(", ", verbs.Keys);
        var verb = invocation.Args.NextPositional()
            ?? throw CliException.Usage($"csign {noun} needs a verb: {choices}");
        return verbs.TryGetValue(verb, out var run)
            ? run(invocation)
            : throw CliException.Usage($"unknown verb \"{verb}\" for csign {noun}; one of: {choices}");
    }

    /// <summary>The Signer a command acts on: the next positional or <c>--signer</c>.</summary>
    public static string Signer(Invocation invocation) =>
        invocation.Args.PositionalOrOption("signer", "the Signer (name or id)");
}
