"""The ``crowd-sandbox`` command line: one entry point (:mod:`sandbox.cli.main`), one module per group
of subcommands, imported when used; shared options in :mod:`sandbox.cli.options`."""
