using System.CommandLine;

namespace CodeSigning.Cli.Commands;

/// <summary>A command that does something: its options and positionals, and the code that runs it.</summary>
internal sealed class Verb : Command
{
    public Verb(string name, string description, Func<Invocation, Task> run, params Symbol[] symbols)
        : base(name, description)
    {
        Run = run;
        foreach (var symbol in symbols)
        {
            switch (symbol)
            {
                case Option option:
                    Options.Add(option);
                    break;
                case Argument argument:
                    Arguments.Add(argument);
                    break;
            }
        }
    }

    public Func<Invocation, Task> Run { get; }

    /// <summary>More explanation for <c>--help</c>, after the generated list of options.</summary>
    public string? Details { get; init; }
}
