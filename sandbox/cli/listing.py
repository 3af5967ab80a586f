"""``datasets``, ``populations`` and ``aggregators``: what exists, one line each."""

from __future__ import annotations

import argparse


def configure_datasets(parser: argparse.ArgumentParser) -> None:
    """``datasets``."""
    parser.set_defaults(handler=datasets)


def configure_populations(parser: argparse.ArgumentParser) -> None:
    """``populations``."""
    parser.set_defaults(handler=populations)


def configure_aggregators(parser: argparse.ArgumentParser) -> None:
    """``aggregators [--params]``."""
    parser.add_argument("--params", action="store_true", help="also list each method's hyperparameters")
    parser.set_defaults(handler=aggregators)


def _lines(entries: dict[str, str]) -> str:
    width = max(map(len, entries))
    return "\n".join(f"{name.ljust(width)}  {text}" for name, text in entries.items())


def datasets(args: argparse.Namespace) -> int:
    """List registered datasets."""
    from sandbox.datasets import list_datasets

    print(_lines(list_datasets()))
    return 0


def populations(args: argparse.Namespace) -> int:
    """List shipped population presets and the archetypes they can mix."""
    from annotators.archetypes import ARCHETYPES_BY_KIND, DEFAULT_KIND
    from annotators.population import load_population, preset_names

    print(_lines({name: load_population(name).description for name in preset_names()}))
    print("\narchetypes:")
    print(_lines({name: cls.summary for name, cls in ARCHETYPES_BY_KIND[DEFAULT_KIND].items()}))
    return 0


def aggregators(args: argparse.Namespace) -> int:
    """List registered aggregators and the engines that run them (``--params``: and their
    hyperparameters, with defaults and what is allowed)."""
    from sandbox.aggregation.registry import AGGREGATORS

    print(
        _lines(
            {
                name: f"{spec.summary} [engines: {', '.join(spec.engines)}]"
                for name, spec in AGGREGATORS.items()
            }
        )
    )
    if getattr(args, "params", False):
        print("\nhyperparameters (--aggregator-param NAME.KEY=VALUE, sweep key aggregator_params.NAME.KEY):")
        rows = {
            f"{name}.{key}": f"default {declared.default!r}; {declared.allowed}"
            for name, spec in AGGREGATORS.items()
            for key, declared in spec.hyperparameters().items()
        }
        print(_lines(rows))
    return 0
