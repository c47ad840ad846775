return await CodeSigning.Server.Hosting.CommandLine.RunAsync(args).ConfigureAwait(false);
