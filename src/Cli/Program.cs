using CodeSigning.Cli;

using var interrupted = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // Ends a running `audit follow` cleanly instead of killing the process mid-write.
    e.Cancel = true;
    interrupted.Cancel();
};
return await CliApp.RunAsync(args, CliContext.FromConsole(), interrupted.Token).ConfigureAwait(false);
