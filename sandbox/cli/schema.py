"""``schema``: print the JSON Schema of a file format, so that editors can validate the TOML files."""

from __future__ import annotations

import argparse
import importlib
import json

from foundation.errors import SandboxError

#: Schema name → "module:function" returning its JSON Schema (imported only when printed).
SCHEMAS: dict[str, str] = {
    "population": "annotators.population_file:population_json_schema",
    "sweep": "sandbox.sweep.spec:spec_json_schema",
}


def configure(parser: argparse.ArgumentParser) -> None:
    """``schema NAME [--format json|markdown]``."""
    parser.add_argument("name", help=f"which file format: {' | '.join(SCHEMAS)}")
    parser.add_argument(
        "--format",
        choices=("json", "markdown"),
        default="json",
        help="json: the JSON Schema (default); markdown: the README's table of keys",
    )
    parser.set_defaults(handler=schema)


def schema(args: argparse.Namespace) -> int:
    """Print the JSON Schema (pretty JSON) or the markdown key tables of ``args.name``."""
    if args.name not in SCHEMAS:
        raise SandboxError(f"unknown schema {args.name!r}; allowed: {', '.join(SCHEMAS)}")
    if args.format == "markdown":
        from sandbox.reporting.schema_docs import DOCUMENTS, TABLES

        names = next(names for names in DOCUMENTS.values() if args.name in names)
        print("\n\n".join(TABLES[name]() for name in names))
        return 0
    module, _, function = SCHEMAS[args.name].partition(":")
    print(json.dumps(getattr(importlib.import_module(module), function)(), indent=2, ensure_ascii=False))
    return 0
