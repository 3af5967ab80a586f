"""The names a user may give for reading exports: formats, duplicate and multi-choice policies.

Kept apart from the importers (no pandas here) so that the command line can offer them as choices
without loading the readers.
"""

from __future__ import annotations

from typing import Literal, get_args

FORMATS: tuple[str, ...] = (
    "labelstudio_json",
    "labelstudio_json_min",
    "labelstudio_csv",
    "long",
    "mturk",
)

DuplicatePolicy = Literal["keep_all", "keep_last", "drop_conflicting"]
DUPLICATE_POLICIES: tuple[str, ...] = get_args(DuplicatePolicy)

MultiChoicePolicy = Literal["error", "skip"]
MULTI_CHOICE_POLICIES: tuple[str, ...] = get_args(MultiChoicePolicy)
