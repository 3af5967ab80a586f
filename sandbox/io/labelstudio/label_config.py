"""Label Studio labeling configs: which ``Choices`` controls exist and what they allow.

Parsing goes through label-studio-sdk's ``LabelInterface`` (the SDK's own reading of the XML).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from foundation.errors import SandboxError


@dataclass(frozen=True)
class ChoicesControl:
    """One ``<Choices>`` control: ``name`` (results' ``from_name``), values, multi-choice."""

    name: str
    labels: tuple[str, ...]
    multiple: bool
    to_name: str | None = None


def read_label_config(config: str | Path) -> dict[str, ChoicesControl]:
    """Parse a label config given as XML text or a path to an XML file → controls by name.

    Raises SandboxError when the XML is unreadable or has no ``Choices`` control.
    """
    from label_studio_sdk.label_interface.interface import LabelInterface

    text = str(config)
    source = "label config"
    if not text.lstrip().startswith("<"):
        path = Path(text)
        if not path.is_file():
            raise SandboxError(f"label config {text!r}: neither XML text nor an existing file")
        source = str(path)
        text = path.read_text(encoding="utf-8")
    try:
        interface: Any = LabelInterface(text)
    except Exception as exc:  # the SDK raises lxml/its own errors on malformed XML
        raise SandboxError(f"{source}: not a valid Label Studio config ({exc})") from None
    controls = {
        c.name: ChoicesControl(
            name=c.name,
            labels=tuple(c.labels),
            multiple=c.attr.get("choice") == "multiple",
            to_name=c.attr.get("toName"),
        )
        for c in interface.controls
        if c.tag == "Choices"
    }
    if not controls:
        raise SandboxError(f"{source}: no <Choices> control; only classification is supported")
    return controls


def pick_control(
    seen: list[str], from_name: str | None, source: str, config_names: list[str] | None = None
) -> str:
    """Choose the labeling control to read: ``from_name`` if given, else the only one there is.

    ``seen`` are the control names found in the export (first-seen order); ``config_names``
    those declared in the label config, if one was given.
    """
    names = list(dict.fromkeys([*(config_names or []), *seen]))
    if from_name is not None:
        if from_name not in names:
            raise SandboxError(
                f"{source}: no labeling control named {from_name!r}; controls: {', '.join(names) or 'none'}"
            )
        return from_name
    candidates = [n for n in names if n in seen] or names
    if len(candidates) > 1:
        raise SandboxError(
            f"{source}: several labeling controls ({', '.join(candidates)}); "
            "pick one with from_name (--from-name)"
        )
    return candidates[0] if candidates else ""  # no answers at all: the caller reports why
