"""``python -m sandbox.cli``: the command line."""

from sandbox.cli.main import main

raise SystemExit(main())
