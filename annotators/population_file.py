"""The population file format (TOML) as pydantic models: one model per task kind.

A kind's model lists its archetypes, each as a table of ``share`` plus the archetype's declared
parameters (``Archetype.parameters``), so that the JSON Schema an editor validates against knows
every archetype's keys. :func:`population_model` returns the model of one kind,
:func:`population_json_schema` the schema of a file of any kind.
"""

from __future__ import annotations

from functools import cache, reduce
from operator import or_
from typing import Annotated, Any, ClassVar, Literal, Union

from pydantic import ConfigDict, Discriminator, Field, Tag, create_model, model_validator

from annotators.archetypes import ARCHETYPES_BY_KIND, DEFAULT_KIND, Archetype
from annotators.parameters import Probability, SkillLike, StochasticMatrix, toml_default
from foundation.config import SCHEMA_VERSION, Allowed, ConfigModel, SchemaVersion, json_schema

SHARE_TOLERANCE = 1e-6
KIND_TEXT = "the task kind its archetypes answer"
TITLE = "Crowd Sandbox population file"
ARCHETYPES_TEXT = "one [archetypes.NAME] table per archetype: its share, then its parameters; shares sum to 1"


class Zipf(ConfigModel):
    """{ zipf = s }: the worker of activity rank r does tasks in proportion to r ** -s."""

    zipf: Annotated[float, Field(ge=0, le=5)] = Field(description="the exponent s (0 = uniform)")


def _activity_form(value: Any) -> str | None:
    if value == "uniform":
        return "uniform"
    return "zipf" if isinstance(value, dict) and set(value) == {"zipf"} else None


Activity = Annotated[
    Union[Annotated[Literal["uniform"], Tag("uniform")], Annotated[Zipf, Tag("zipf")]],  # noqa: UP007
    Discriminator(_activity_form),
    Allowed('"uniform" or { zipf = s } with 0 <= s <= 5'),
]


class ItemsTable(ConfigModel):
    """``[items]``: how the items pull a crowd. Misleading items pull the workers who try to one wrong
    label (a lure), whatever they are paid; item difficulty lowers everyone's accuracy alike."""

    misleading_share: Probability | list[Probability] = Field(
        default_factory=list,
        description="share of misleading items: one number for every true class, or one per class "
        "(K values); empty: none",
    )
    lure: StochasticMatrix | None = Field(
        None,
        description="K×K: where the misleading items of each true class pull (rows sum to 1, 0 on the "
        "diagonal); default uniform over the other classes",
    )
    pull: SkillLike = Field(
        toml_default(0.0),
        description="P(a worker who tries answers the lure of a misleading item): experts are pulled less. "
        "A number for everyone, or { alpha, beta } / { values } for a susceptibility drawn per worker",
    )
    difficulty: SkillLike | None = Field(
        None,
        description="item difficulty shared by all workers (0 easy, 1 hopeless): a number, "
        "{ alpha, beta } or { values }; used in difficulty = 'auto' for datasets without features",
    )


class MemberTable(ConfigModel):
    """``[archetypes.NAME]``: an archetype's share of the pool, then its parameters."""

    share: Probability = Field(description="share of the pool; the shares of a population sum to 1")


class ArchetypeTables(ConfigModel):
    """``[archetypes]``: one optional table per archetype of the kind (at least one)."""

    key_noun: ClassVar[str] = "archetype"
    model_config = ConfigDict(json_schema_extra={"minProperties": 1})


class PopulationFile(ConfigModel):
    """A population file: who labels (an archetype mixture), how many and at what price.

    The kind-specific models (:func:`population_model`) narrow ``kind`` and ``archetypes``.
    """

    kind: str = Field(DEFAULT_KIND, description=KIND_TEXT)
    name: str | None = Field(None, description="name in tables and charts (default: file stem)")
    description: str = Field("", description="one line saying who these workers are")
    pool_size: Annotated[int, Field(ge=1)] = Field(description="workers available")
    cost_per_label: Annotated[float, Field(ge=0)] = Field(0.0, description="money per answer bought")
    fixed_cost: Annotated[float, Field(ge=0)] = Field(
        0.0, description="one-off cost (recruiting, vetting), added to every campaign's bill"
    )
    activity: Activity = Field(
        "uniform", description="who does how many tasks: everyone alike, or long-tailed (a few do most)"
    )
    archetypes: ArchetypeTables = Field(description=ARCHETYPES_TEXT)
    items: ItemsTable = Field(
        default_factory=ItemsTable, description="misleading items and item difficulty (default: none)"
    )
    schema_version: SchemaVersion = Field(SCHEMA_VERSION, description="version of the file format")

    @model_validator(mode="after")
    def _shares_sum_to_one(self) -> PopulationFile:
        tables = members(self)
        if not tables:
            allowed = ", ".join(type(self.archetypes).model_fields)
            raise ValueError(f"needs at least one [archetypes.NAME] table; archetypes: {allowed}")
        total = sum(table.share for table in tables.values())
        if abs(total - 1.0) > SHARE_TOLERANCE:
            listed = ", ".join(f"{name}={table.share:g}" for name, table in tables.items())
            raise ValueError(f"archetype shares must sum to 1, got {total:g} ({listed})")
        return self

    @property
    def activity_exponent(self) -> float:
        """The Zipf exponent of participation (0 = uniform)."""
        return self.activity.zipf if isinstance(self.activity, Zipf) else 0.0


def members(population: PopulationFile) -> dict[str, MemberTable]:
    """The archetype tables given in the file, by name, in registry order."""
    tables = population.archetypes
    return {name: getattr(tables, name) for name in type(tables).model_fields if getattr(tables, name)}


def member_table(archetype: type[Archetype]) -> type[MemberTable]:
    """The table model of one archetype: ``share`` followed by the archetype's parameters (named
    ``HonestTable``, or ``PairwiseHonestTable`` for a kind other than the default)."""
    fields: dict[str, Any] = {
        key: (field.annotation, field) for key, field in archetype.parameters.model_fields.items()
    }
    prefix = "" if archetype.kind == DEFAULT_KIND else type_name(archetype.kind)
    return create_model(
        f"{prefix}{type_name(archetype.name)}Table", __base__=MemberTable, __doc__=archetype.summary, **fields
    )


@cache
def population_model(kind: str) -> type[PopulationFile]:
    """The model of a population file of ``kind`` (a key of ``ARCHETYPES_BY_KIND``)."""
    registry = ARCHETYPES_BY_KIND[kind]
    tables: dict[str, Any] = {
        name: (member_table(archetype) | None, Field(None)) for name, archetype in registry.items()
    }
    archetypes = create_model(
        f"{type_name(kind)}Archetypes",
        __base__=ArchetypeTables,
        __doc__=f"[archetypes]: one table per {kind} archetype; their shares sum to 1",
        **tables,
    )
    fields: dict[str, Any] = {
        "kind": (
            Literal[kind],
            Field(kind, description=KIND_TEXT) if kind == DEFAULT_KIND else Field(description=KIND_TEXT),
        ),
        "archetypes": (archetypes, Field(description=ARCHETYPES_TEXT)),
    }
    return create_model(
        f"{type_name(kind)}Population",
        __base__=PopulationFile,
        __doc__=f"A population file of kind {kind}.",
        **fields,
    )


def population_json_schema() -> dict[str, Any]:
    """The JSON Schema of a population file (of any registered kind).

    With several kinds, the file's ``kind`` picks the model through ``if``/``then``/``else`` (the
    default kind when ``kind`` is left out), so that an editor reports a mistake at its key rather
    than "valid under none of the kinds" at the top of the file.
    """
    models = [population_model(kind) for kind in ARCHETYPES_BY_KIND]
    if len(models) == 1:
        return json_schema(models[0], TITLE)
    tagged: Any = reduce(or_, (Annotated[population_model(kind), Tag(kind)] for kind in ARCHETYPES_BY_KIND))
    schema = json_schema(Annotated[tagged, Discriminator(_kind_of)], TITLE)
    schema.pop("oneOf", None)
    schema.pop("discriminator", None)
    choice: dict[str, Any] = {"$ref": f"#/$defs/{population_model(DEFAULT_KIND).__name__}"}
    for kind in reversed([k for k in ARCHETYPES_BY_KIND if k != DEFAULT_KIND]):
        choice = {
            "if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
            "then": {"$ref": f"#/$defs/{population_model(kind).__name__}"},
            "else": choice,
        }
    return {**schema, **choice}


def _kind_of(value: Any) -> str | None:
    return value.get("kind", DEFAULT_KIND) if isinstance(value, dict) else None


def type_name(name: str) -> str:
    """``"gold_aware_cheater"`` → ``"GoldAwareCheater"`` (names of generated models)."""
    return "".join(part.capitalize() for part in name.split("_"))
