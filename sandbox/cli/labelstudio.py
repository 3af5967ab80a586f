"""``labelstudio pull|push``: a live Label Studio server (API key in ``LABEL_STUDIO_API_KEY``)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from sandbox.cli.arguments import byte_size, positive_float, positive_int
from sandbox.cli.options import add_gold, add_import_options, add_seed

if TYPE_CHECKING:
    from sandbox.io.labelstudio.transport import Limits


def add_limits(parser: argparse.ArgumentParser) -> None:
    """``--timeout``, ``--max-download``, ``--max-expansion``: what a server's answer may take."""
    from sandbox.io.labelstudio.transport import DEADLINE_SECONDS, MAX_DOWNLOAD_BYTES, MAX_EXPANSION

    group = parser.add_argument_group("limits on the server's answers")
    group.add_argument(
        "--timeout",
        type=positive_float,
        default=DEADLINE_SECONDS,
        help=f"seconds each request may take, first byte to last (default {DEADLINE_SECONDS:g})",
    )
    group.add_argument(
        "--max-download",
        type=byte_size,
        default=MAX_DOWNLOAD_BYTES,
        help=f"bytes an answer may unpack to, e.g. 8G (default {MAX_DOWNLOAD_BYTES // 1024**3}G)",
    )
    group.add_argument(
        "--max-expansion",
        type=positive_float,
        default=MAX_EXPANSION,
        help=f"unpacked bytes per byte received, past 64 MiB (default {MAX_EXPANSION:g})",
    )


def limits_of(args: argparse.Namespace) -> Limits:
    from sandbox.io.labelstudio.transport import Limits

    return Limits(seconds=args.timeout, max_bytes=args.max_download, max_expansion=args.max_expansion)


def configure(parser: argparse.ArgumentParser) -> None:
    """``labelstudio pull ...`` and ``labelstudio push ...``."""
    actions = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))
    pull = actions.add_parser("pull", help="download a project's export")
    pull.add_argument("--url", required=True)
    pull.add_argument("--project", type=positive_int, required=True, help="project id")
    pull.add_argument("--export-type", choices=("JSON", "JSON_MIN", "CSV"), default="JSON")
    pull.add_argument("--out", required=True, help="file to write")
    add_limits(pull)
    pull.set_defaults(handler=run_pull)
    push = actions.add_parser(
        "push", help="create a project with an export's answers, or a simulated crowd's, one user each"
    )
    add_import_options(push, export_optional=True)  # a simulated crowd needs no EXPORT
    push.add_argument("--dataset", help="simulate a crowd on this dataset instead of reading EXPORT")
    push.add_argument("--population", help="population preset or TOML (with --dataset)")
    push.add_argument("--redundancy", type=positive_int, default=5, help="answers per task (default 5)")
    add_seed(push)
    push.add_argument("--with-gold", action="store_true", help="push the truth as ground truth")
    push.add_argument("--url", required=True)
    push.add_argument("--title", default="crowd-sandbox answers", help="project title")
    add_gold(push)
    add_limits(push)
    push.set_defaults(handler=run_push)


def run_pull(args: argparse.Namespace) -> int:
    """Download a project's export."""
    from pathlib import Path

    from foundation.errors import printable
    from sandbox.io.files.outputs import check_outputs
    from sandbox.io.labelstudio.client import pull

    check_outputs({"--out": args.out})
    out = pull(args.url, args.project, Path(args.out), export_type=args.export_type, limits=limits_of(args))
    print(f"wrote project {args.project}'s {args.export_type} export to {printable(str(out))}")
    return 0


def run_push(args: argparse.Namespace) -> int:
    """Create a project from an answers file (a simulated crowd or any export)."""
    from pathlib import Path

    from annotators.population import load_population
    from foundation.errors import SandboxError
    from sandbox.datasets import load_dataset
    from sandbox.io.importers.detect import detect_format
    from sandbox.io.labelstudio.client import push
    from sandbox.simulation.readable_answers import simulated_answers

    if (args.export is None) == (args.dataset is None):
        raise SandboxError("push needs either an EXPORT file or --dataset with --population (not both)")
    if args.dataset is not None:
        if args.population is None:
            raise SandboxError("--dataset needs --population (a preset name or a population TOML)")
        from sandbox.experiment.experiment import Experiment
        from sandbox.simulation.policy import CampaignPolicy

        dataset, population = load_dataset(args.dataset), load_population(args.population)
        reference = Experiment(dataset, population, CampaignPolicy(), (), seed=args.seed).reference_model()
        answers, truth = simulated_answers(dataset, population, args.redundancy, args.seed, reference)
        gold = truth if args.with_gold else None
    elif (args.input_format or detect_format(Path(args.export))) == "labelstudio_json":
        return push_labelstudio_export(args)
    else:
        from sandbox.cli.reading import read_as
        from sandbox.kinds.base import default_kind

        kind = default_kind()  # a project of choices: the export is read as the default kind's
        imported = read_as(kind, args)
        answers, gold = imported.answers, kind.gold(args, imported)
    result = push(args.url, answers, title=args.title, gold=gold, limits=limits_of(args))
    print(
        f"created project {result.project_id}: {result.n_tasks} tasks, {result.n_annotations} "
        f"answers by {len(result.users)} annotators"
    )
    return 0


def push_labelstudio_export(args: argparse.Namespace) -> int:
    """A Label Studio JSON export pushed as it is: task data, control names, annotators, lead times
    (:mod:`sandbox.io.labelstudio.replay`); ``--label-config`` is the project's config when given."""
    from pathlib import Path

    from foundation.errors import SandboxError
    from sandbox.cli.reading import read_as
    from sandbox.io.labelstudio.client import push_export
    from sandbox.kinds.base import default_kind

    config = None
    if args.label_config:
        try:
            config = Path(args.label_config).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise SandboxError(f"cannot read --label-config {args.label_config}: {error}") from None
    gold = None
    if args.gold:
        kind = default_kind()
        gold = kind.gold(args, read_as(kind, args))
    result = push_export(
        args.url, Path(args.export), title=args.title, label_config=config, gold=gold, limits=limits_of(args)
    )
    print(
        f"created project {result.project_id}: {result.n_tasks} tasks, {result.n_annotations} "
        f"annotations by {len(result.users)} annotators (task data, controls and annotators kept)"
    )
    return 0
