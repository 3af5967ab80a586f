"""``evaluate --answers DIR_OR_GLOB [--scheduler ADDRESS]``: answers larger than memory, aggregated
out of core (``mv``, ``ds``) and printed as ``evaluate`` prints (Krippendorff's alpha left out)."""

from __future__ import annotations

import argparse

#: ``evaluate`` options that only apply to answers read whole (one export file).
IN_MEMORY_ONLY = (
    "input_format",
    "from_name",
    "label_config",
    "task_field",
    "left_field",
    "right_field",
    "aggregator_param",
)


def evaluate_partitioned(args: argparse.Namespace) -> int:
    """Aggregate and score a directory or glob of long Parquet partitions."""
    from foundation.errors import SandboxError
    from sandbox.cli.reading import tie_break
    from sandbox.experiment.partitioned import evaluate_partitioned as run
    from sandbox.kinds.base import default_kind, task_kind
    from sandbox.reporting.render import dumps, gold_line, outcome_json, outcome_table

    given = [f"--{name.replace('_', '-')}" for name in IN_MEMORY_ONLY if getattr(args, name, None)]
    kind = task_kind(args.kind) if getattr(args, "kind", None) else default_kind()
    if not kind.out_of_core:
        given.append("--kind")
    if getattr(args, "duplicates", "keep_all") != "keep_all":
        given.append("--duplicates")
    if args.engine != "fast":
        given.append("--engine")
    if given:
        raise SandboxError(
            f"{given[0]} does not apply to partitioned --answers (long Parquet, task/worker/label, "
            "aggregated out of core)"
        )
    aggregators = args.aggregators.split(",") if args.aggregators else ["mv", "ds"]
    result = run(
        kind,
        args.answers,
        args.gold,
        [name.strip() for name in aggregators],
        cost_per_label=args.cost_per_label,
        scheduler=args.scheduler,
        ties=tie_break(args),
    )
    if args.format == "json":
        print(
            dumps(outcome_json(result.outcome, {"dataset": result.source, "partitions": result.partitions}))
        )
    else:
        where = f"on {args.scheduler}" if args.scheduler else "out of core"
        print(
            outcome_table(
                result.outcome,
                f"real answers of {result.source} ({result.partitions} partitions, {where}), "
                + gold_line(result.gold_size, "tasks"),
            )
        )
    return 0
