using System.CommandLine;

namespace CodeSigning.Cli.Commands;

/// <summary>A command that only groups verbs (<c>csign signer</c>); its help is the overview in <see cref="Usage"/>.</summary>
internal sealed class Noun : Command
{
    public Noun(string name, string description, string usage, params Command[] verbs)
        : base(name, description)
    {
        Usage = usage;
        foreach (var verb in verbs)
        {
            Subcommands.Add(verb);
        }
    }

    public string Usage { get; }
}
