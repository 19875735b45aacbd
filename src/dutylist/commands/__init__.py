"""One module per subcommand: each adds its parser and runs it, returning an exit code."""
