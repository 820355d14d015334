using Shipyard.Cli;

return await ShipyardCli.InvokeAsync(args).ConfigureAwait(false);
