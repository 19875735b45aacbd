"""The language server for catalogue authors (`dutylist lsp`)."""
