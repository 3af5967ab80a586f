"""The ``crowd-sandbox`` command line: one entry point, subcommands imported when used."""
