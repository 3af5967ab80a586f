"""The ``crowd-sandbox`` entry point: one parser, each subcommand's module imported only when used.

Every SandboxError becomes one line on stderr and exit status 2; nothing is written on failure.
SIGTERM is handled like Ctrl-C (a :class:`Terminated` interrupt, exit status 143), so that a command
stopped by a supervisor cleans up as it does when interrupted: temporary files removed, child
processes stopped.
A command module offers ``configure_<name>(parser)``, which adds the command's options and sets
``handler`` (``args -> exit status``); handlers import the engine when they run, so that
``crowd-sandbox --help`` and the listings start in a fraction of a second.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
from collections.abc import Callable, Sequence
from types import FrameType

from foundation.errors import SandboxError, printable

EXIT_USER_ERROR = 2

Handler = Callable[[argparse.Namespace], int]

#: name → (one-line help, "module:configure function"), in the order ``--help`` lists them.
COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("simulate a crowd on a dataset, aggregate, score", "sandbox.cli.simulate:configure_run"),
    "compare": (
        "crowd vs paid curation: same budget, or target accuracy",
        "sandbox.cli.simulate:configure_compare",
    ),
    "verdict": (
        "your export's crowd vs paid curation at your prices: who wins and why",
        "sandbox.cli.verdict:configure",
    ),
    "evaluate": ("aggregate real answers and score against gold", "sandbox.cli.evaluate:configure"),
    "demo": (
        "volunteers vs paid crowd vs paid curation on real data",
        "sandbox.cli.simulate:configure_demo",
    ),
    "sweep": ("run a parameter sweep into a resumable Parquet results store", "sandbox.cli.sweep:configure"),
    "report": ("annotator quality report of an export", "sandbox.cli.exports:configure_report"),
    "aggregate": (
        "consensus of an export as CSV or Label Studio predictions",
        "sandbox.cli.exports:configure_aggregate",
    ),
    "fit": ("fit a population (TOML) to the annotators of an export", "sandbox.cli.exports:configure_fit"),
    "validate": (
        "fit a crowd on half the tasks, check its replica against the real crowd on the other half",
        "sandbox.cli.validate:configure",
    ),
    "labelstudio": (
        "pull from / push to a live Label Studio (key: LABEL_STUDIO_API_KEY)",
        "sandbox.cli.labelstudio:configure",
    ),
    "datasets": ("list datasets", "sandbox.cli.listing:configure_datasets"),
    "populations": ("list population presets and archetypes", "sandbox.cli.listing:configure_populations"),
    "aggregators": ("list aggregators", "sandbox.cli.listing:configure_aggregators"),
    "schema": ("print the JSON Schema of population files or sweep specs", "sandbox.cli.schema:configure"),
    "dashboard": ("open the Streamlit dashboard (http://127.0.0.1:PORT)", "sandbox.cli.dashboard:configure"),
}


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is, so that ``finally`` blocks run as on Ctrl-C."""


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise Terminated()


class ArgumentParser(argparse.ArgumentParser):
    """argparse with the project's convention: one line on stderr, exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: error: {message}{_suggestion(message)} (see --help)\n")
        raise SystemExit(EXIT_USER_ERROR)


def _suggestion(message: str) -> str:
    """``; did you mean 'verdict'?`` when ``message`` is argparse's invalid choice of a close name."""
    import difflib
    import re

    found = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
    if found is None:
        return ""
    choices = re.findall(r"'([^']*)'", found.group(2))
    close = difflib.get_close_matches(found.group(1), choices, n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def build_parser(argv: Sequence[str] = ()) -> ArgumentParser:
    """The parser; only the subcommand named in ``argv`` (if any) is configured in full."""
    parser = ArgumentParser(
        prog="crowd-sandbox",
        description="Simulate crowd annotators, aggregate their labels, measure them against curation.",
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=ArgumentParser)
    chosen = next((token for token in argv if not token.startswith("-")), None)
    for name, (text, target) in COMMANDS.items():
        command = commands.add_parser(name, help=text, description=text)
        if name == chosen:
            module, _, function = target.partition(":")
            getattr(importlib.import_module(module), function)(command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``crowd-sandbox`` console script."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser(arguments).parse_args(arguments)
    except SystemExit as stop:  # --help (0) or a usage error (2, one line already written)
        return stop.code if isinstance(stop.code, int) else EXIT_USER_ERROR
    handler: Handler = args.handler
    try:
        previous = signal.signal(signal.SIGTERM, _terminate)
    except ValueError:  # not the main thread: leave signals alone
        previous = None
    try:
        status = handler(args)
        sys.stdout.flush()  # surface a closed pipe here, not at interpreter exit
        return status
    except SandboxError as error:
        sys.stderr.write(f"crowd-sandbox: error: {printable(str(error))}\n")
        return EXIT_USER_ERROR
    except Terminated:
        sys.stderr.write("crowd-sandbox: terminated\n")
        return 143
    except KeyboardInterrupt:
        sys.stderr.write("crowd-sandbox: interrupted\n")
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    raise SystemExit(main())
