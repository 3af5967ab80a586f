"""The one way the project reads TOML from users: population files, sweep specs, a store's
``_sweep.toml``, ``--set`` and ``--grid`` values.

The standard library's parser recurses once per level of nesting, so about 500 nested arrays or
inline tables in a 1 KB file ended in a RecursionError and some 3,000 lines of traceback; dotted keys
(``a.b.c…``) and table headers nest without recursion in the parser but then in whatever walks the
result. :func:`loads` refuses nesting deeper than :data:`MAX_TOML_DEPTH` levels before parsing
(brackets and braces counted outside strings and comments) and after it (tables from dotted keys),
so every failure is one SandboxError naming the source.
"""

from __future__ import annotations

import tomllib
from typing import Any

from foundation.errors import SandboxError, first_line

#: Deepest nesting of arrays and tables in one document (a population file nests about 5 levels).
MAX_TOML_DEPTH = 32


def bracket_depth(text: str) -> int:
    """The deepest nesting of ``[``/``{`` outside strings and comments (a scan, no recursion)."""
    depth = deepest = 0
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if c in "\"'":
            quote = c * 3 if text.startswith(c * 3, i) else c
            i += len(quote)
            while i < n and not text.startswith(quote, i):
                if c == '"' and text[i] == "\\":
                    i += 1
                elif len(quote) == 1 and text[i] == "\n":
                    break  # an unterminated one-line string: the parser says so
                i += 1
            i += len(quote)
            continue
        if c in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif c in "]}":
            depth = max(0, depth - 1)
        i += 1
    return deepest


def _value_depth(value: Any) -> int:
    """The nesting depth of a parsed value (iteratively)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth + 1)
            if deepest > MAX_TOML_DEPTH:
                return deepest
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


def loads(text: str, source: str) -> dict[str, Any]:
    """Parse TOML ``text``; SandboxError naming ``source`` when it is not TOML or nests deeper than
    :data:`MAX_TOML_DEPTH` levels."""
    limit = f"nests arrays and tables deeper than {MAX_TOML_DEPTH} levels (limit MAX_TOML_DEPTH)"
    if bracket_depth(text) > MAX_TOML_DEPTH:
        raise SandboxError(f"{source} {limit}")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SandboxError(f"{source} is not valid TOML ({first_line(error)})") from None
    except RecursionError:  # pragma: no cover - the scan above refuses what would recurse this deep
        raise SandboxError(f"{source} {limit}") from None
    if _value_depth(data) > MAX_TOML_DEPTH:
        raise SandboxError(f"{source} {limit}")
    return data
