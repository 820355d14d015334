using Shipyard.Cli;

return await ShipyardCli.CreateRootCommand().Parse(args).InvokeAsync().ConfigureAwait(false);
