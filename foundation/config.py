"""One way to validate configuration: pydantic models, and their errors as one user-facing message.

Every configuration schema of the project (population files, archetype parameters, the campaign
policy, sweep specs, the dataset catalog) is a :class:`ConfigModel`: strict types (a number is not a
bool, an integer is not a float, NaN and infinity are refused), unknown keys refused, frozen.
:func:`validate` checks a TOML-shaped dict against one and turns pydantic's ``ValidationError`` into
one :class:`~foundation.errors.SandboxError` naming the source, the dotted key and what is allowed;
:func:`describe` puts "what is allowed" into words from the same annotations, for messages and docs.

Field annotations may carry two markers in ``Annotated[...]`` metadata: :class:`Allowed` (what is
allowed, in words, where the constraints alone say it badly) and :class:`ParsedFrom` (the value is
read from a TOML shape and converted, e.g. a skill table into a ``Distribution``).
"""

from __future__ import annotations

import math
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, ClassVar, Literal, TypeVar, Union, get_args, get_origin

import annotated_types
from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    GetCoreSchemaHandler,
    Tag,
    TypeAdapter,
    ValidationError,
)
from pydantic.fields import FieldInfo
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import ErrorDetails, core_schema

from foundation.errors import SandboxError

M = TypeVar("M", bound="ConfigModel")

#: The version of the file formats (population files, sweep specs) this release reads.
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Allowed:
    """``Annotated`` marker: what a value may be, in words (used by error messages and docs)."""

    text: str


@dataclass(frozen=True)
class ParsedFrom:
    """``Annotated`` marker: the value is validated as ``form`` (its TOML shape), then ``convert``-ed;
    ``dump`` turns a converted value back into its TOML shape and passes a TOML-shaped one (a default)
    through: for ``model_dump`` and the defaults of the JSON Schema."""

    form: Any
    convert: Callable[[Any], Any]
    dump: Callable[[Any], Any]

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        """Pydantic hook: validate as ``form``, then convert; serialize with ``dump``."""
        return core_schema.no_info_after_validator_function(
            self.convert,
            handler.generate_schema(self.form),
            serialization=core_schema.plain_serializer_function_ser_schema(self.dump),
        )


class ConfigModel(BaseModel):
    """Base of every configuration schema: strict, closed (``extra="forbid"``), frozen, finite numbers.

    ``key_noun`` names what an unknown key of this table is ("key"; "archetype" in a table of
    archetypes). ``toml_keys`` makes messages name keys as TOML does (``'seeds'``, ``[scenario]``):
    for files whose keys are themselves dotted paths (sweep specs).
    """

    model_config = ConfigDict(
        strict=True, extra="forbid", frozen=True, allow_inf_nan=False, validate_default=True
    )

    key_noun: ClassVar[str] = "key"
    toml_keys: ClassVar[bool] = False

    def __init__(self, **data: Any) -> None:
        """Keyword construction, validated like :func:`validate` (errors name the class)."""
        try:
            super().__init__(**data)
        except ValidationError as error:
            raise config_error(type(self), error, type(self).__name__) from None

    # Validation inside pydantic (model_validate, nested tables) keeps calling BaseModel's own __init__
    # logic instead of this wrapper: the flag pydantic itself sets on ``BaseModel.__init__``.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]


#: The optional ``schema_version`` key of a file: the only version this release reads.
SchemaVersion = Annotated[
    int, Field(ge=SCHEMA_VERSION, le=SCHEMA_VERSION), Allowed(f"{SCHEMA_VERSION} (the only version so far)")
]


def validate(model: type[M], data: Any, source: str) -> M:
    """Validate ``data`` (a TOML-shaped dict) as ``model``; SandboxError naming ``source``, key, allowed."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise config_error(model, error, source) from None


class TomlJsonSchema(GenerateJsonSchema):
    """JSON Schema of a TOML file: TOML has no null, so an optional key is a key left out."""

    def nullable_schema(self, schema: core_schema.NullableSchema) -> JsonSchemaValue:
        """The schema of the value when given (no ``null`` alternative)."""
        return self.generate_inner(schema["schema"])

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> JsonSchemaValue:
        """As pydantic's, without ``"default": null`` (a key that is not set has no TOML value)."""
        if self.get_default_value(schema) is None:
            return self.generate_inner(schema["schema"])
        return super().default_schema(schema)


def json_schema(model: Any, title: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a TOML file validated by ``model`` (a model or a type)."""
    schema = TypeAdapter(model).json_schema(schema_generator=TomlJsonSchema)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema, "title": title}


def validate_value(annotation: Any, value: Any, where: str) -> Any:
    """Validate one value as ``annotation`` (strict, like a model's field); SandboxError
    ``"WHERE must be ALLOWED, got VALUE"``."""
    try:
        return _adapter(annotation).validate_python(value)
    except ValidationError:
        raise SandboxError(f"{where} must be {describe(annotation)}, got {value!r}") from None


@cache
def _adapter(annotation: Any) -> TypeAdapter[Any]:
    return TypeAdapter(annotation, config=ConfigModel.model_config)


def is_number(value: Any) -> bool:
    """Whether ``value`` is an int or float (a bool is not a number here)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


# --- messages -------------------------------------------------------------------------------------


def config_error(model: type[ConfigModel], error: ValidationError, source: str) -> SandboxError:
    """The first error of ``error`` as one SandboxError: ``"SOURCE: KEY must be ALLOWED, got VALUE"``."""
    details = error.errors(include_url=False)[0]
    return SandboxError(_message(model, details, source))


def _message(model: type[ConfigModel], details: ErrorDetails, source: str) -> str:
    loc = tuple(details["loc"])
    nodes = _walk(model, loc)
    keys = tuple(segment for segment, node in zip(loc, nodes, strict=True) if not node.via_tag)
    value = details.get("input")
    if details["type"] == "extra_forbidden":
        parent = nodes[-2].annotation if len(nodes) > 1 else model
        owner = _model_class(parent)
        noun = owner.key_noun if owner else "key"
        allowed = ", ".join(_keys_of(owner)) if owner else "(none)"
        return f"{_prefix(model, source, keys[:-1])}unknown {noun} {keys[-1]!r}; allowed: {allowed}"
    target = _last_named(nodes, model)
    if details["type"] == "missing":
        return f"{_prefix(model, source, keys[:-1])}missing key {keys[-1]!r} ({describe(target)})"
    where = _key_text(model, keys, _is_table(target))
    subject = f"{source}: {where}" if where else source
    reason = (details.get("ctx") or {}).get("error")
    if details["type"] in ("value_error", "assertion_error") and reason is not None:
        return f"{subject} {reason}" if where else f"{source}: {reason}"
    finite = " and finite" if details["type"] == "finite_number" else ""
    return f"{subject} must be {describe(target)}{finite}, got {value!r}"


def _prefix(model: type[ConfigModel], source: str, keys: tuple[Any, ...]) -> str:
    where = _key_text(model, keys, is_table=True)
    return f"{source}: {where}: " if where else f"{source}: "


def _key_text(model: type[ConfigModel], keys: tuple[Any, ...], is_table: bool) -> str:
    """How a message names ``keys``: ``a.b[0].c`` (plain) or, for ``toml_keys`` models, as TOML
    does: ``[a.b]`` for a table, ``[a] 'c'`` for a value."""
    if not keys:
        return ""
    if not model.toml_keys:
        return "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in keys).lstrip(".")
    if is_table:
        return f"[{'.'.join(map(str, keys))}]"
    table = f"[{'.'.join(map(str, keys[:-1]))}] " if len(keys) > 1 else ""
    return f"{table}{str(keys[-1])!r}"


# --- walking a model along an error location ------------------------------------------------------


@dataclass(frozen=True)
class _Node:
    annotation: Any
    via_tag: bool = False


def _walk(model: type[ConfigModel], loc: tuple[Any, ...]) -> list[_Node]:
    """The annotation at every step of ``loc``; a tagged union's tag is a step of its own (``via_tag``)."""
    nodes: list[_Node] = []
    current: Any = model
    for segment in loc:
        node = _step(current, segment)
        nodes.append(node)
        current = node.annotation
    return nodes


def _step(annotation: Any, segment: Any) -> _Node:
    base, metadata = _split(annotation)
    for item in metadata:
        if isinstance(item, ParsedFrom):
            return _step(item.form, segment)
    owner = _model_class(base)
    if owner is not None:
        field = _field_by_key(owner, segment)
        return _Node(field_annotation(field) if field is not None else Any)
    origin, args = get_origin(base), get_args(base)
    if origin in (Union, types.UnionType):
        if any(isinstance(item, Discriminator) for item in metadata):
            for member in args:
                if any(isinstance(m, Tag) and m.tag == segment for m in _split(member)[1]):
                    return _Node(member, via_tag=True)
            return _Node(Any, via_tag=True)
        present = [arg for arg in args if arg is not type(None)]
        return _step(present[0], segment) if len(present) == 1 else _Node(Any)
    if origin in (dict, Mapping) and len(args) == 2:
        return _Node(args[1])
    if origin is list and args:
        return _Node(args[0])
    return _Node(Any)


def _last_named(nodes: list[_Node], model: type[ConfigModel]) -> Any:
    """The annotation of the last step that is a key (a tag only picks the member of a union)."""
    named = [node.annotation for node in nodes if not node.via_tag]
    return named[-1] if named else model


def _split(annotation: Any) -> tuple[Any, list[Any]]:
    """``(base type, metadata)`` of a possibly nested ``Annotated`` (FieldInfo metadata flattened)."""
    metadata: list[Any] = []
    while get_origin(annotation) is Annotated:
        annotation, *extra = get_args(annotation)
        metadata = [*extra, *metadata]
    flat: list[Any] = []
    for item in metadata:
        flat.extend(item.metadata if isinstance(item, FieldInfo) else [item])
    return annotation, flat


def field_annotation(field: FieldInfo) -> Any:
    """A model field's type with its constraints and markers (``Annotated``), for :func:`describe`."""
    return Annotated[(field.annotation, *field.metadata)] if field.metadata else field.annotation


def _model_class(annotation: Any) -> type[ConfigModel] | None:
    base = _split(annotation)[0]
    return base if isinstance(base, type) and issubclass(base, ConfigModel) else None


def _field_by_key(model: type[BaseModel], key: Any) -> FieldInfo | None:
    for name, field in model.model_fields.items():
        if (field.alias or name) == key:
            return field
    return None


def _keys_of(model: type[BaseModel]) -> list[str]:
    """The keys a table of ``model`` accepts, in declaration order (aliases where given)."""
    return [field.alias or name for name, field in model.model_fields.items()]


def _is_table(annotation: Any) -> bool:
    base = _split(annotation)[0]
    is_union = get_origin(base) in (Union, types.UnionType)
    present = [a for a in get_args(base) if a is not type(None)] if is_union else [base]
    return len(present) == 1 and (_model_class(present[0]) is not None or get_origin(present[0]) is dict)


# --- what is allowed, in words --------------------------------------------------------------------


def describe(annotation: Any) -> str:
    """What a value of ``annotation`` may be, in words: ``"an integer >= 1"``, ``"one of a, b"``, ..."""
    base, metadata = _split(annotation)
    for item in metadata:
        if isinstance(item, Allowed):
            return item.text
    for item in metadata:
        if isinstance(item, ParsedFrom):
            return describe(item.form)
    origin, args = get_origin(base), get_args(base)
    if origin in (Union, types.UnionType):
        present = [arg for arg in args if arg is not type(None)]
        return " or ".join(describe(arg) for arg in present)
    if origin is Literal:
        return str(args[0]) if len(args) == 1 else "one of " + ", ".join(str(arg) for arg in args)
    if base is bool:
        return "true or false"
    if base is int:
        return "an integer" + _bounds(metadata)
    if base is float:
        return "a number" + _bounds(metadata)
    if base is str:
        return "a string"
    if _model_class(base) is not None or origin in (dict, Mapping) or base is dict:
        return "a table"
    if origin is list or base is list:
        short = any(isinstance(m, annotated_types.MinLen) and m.min_length >= 1 for m in metadata)
        return "a non-empty list of values" if short else "a list of values"
    return "any value"


def _bounds(metadata: list[Any]) -> str:
    """``" in [0, 1]"``, ``" >= 1"``, ``" > 0"`` ... from annotated-types constraints."""
    low: tuple[str, Any] | None = None
    high: tuple[str, Any] | None = None
    for item in metadata:
        if isinstance(item, annotated_types.Ge | annotated_types.Gt):
            low = (">=", item.ge) if isinstance(item, annotated_types.Ge) else (">", item.gt)
        elif isinstance(item, annotated_types.Le | annotated_types.Lt):
            high = ("<=", item.le) if isinstance(item, annotated_types.Le) else ("<", item.lt)
    if low and high:
        left, right = "[" if low[0] == ">=" else "(", "]" if high[0] == "<=" else ")"
        return f" in {left}{_number(low[1])}, {_number(high[1])}{right}"
    bound = low or high
    return f" {bound[0]} {_number(bound[1])}" if bound else ""


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) and math.isfinite(value) else str(value)
