"""How a campaign is run: redundancy, quality control (gold, bans, qualification), adaptive redundancy,
task difficulty. Built from keyword values (CLI flags, TOML tables, sweep cells) and validated."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal, cast, get_args

from pydantic import Field, ValidationInfo, field_validator

from foundation.config import ConfigModel, validate

Difficulty = Literal["auto", "none", "model", "beta"]
GoldPlacement = Literal["random", "adversarial"]
DIFFICULTY_MODES = cast(tuple[Difficulty, ...], get_args(Difficulty))

Rate = Annotated[float, Field(ge=0, le=1)]


class CampaignPolicy(ConfigModel):
    """Campaign settings (all optional; the defaults are a plain fixed-redundancy campaign).

    - ``redundancy``: answers per task (the start value ``k0`` when adaptive).
    - ``gold_rate``: share of a worker's items that are known-answer (gold) questions; they cost money
      and yield no data. ``ban_threshold``: a worker whose gold accuracy falls below it, once they have
      answered ``min_gold`` gold questions, is banned: their answers are dropped and re-issued.
    - ``qualification``: gold questions every worker answers before starting (0 = no test); those below
      ``qualification_threshold`` are not admitted.
    - ``max_redundancy``: adaptive redundancy — buy one more answer per round for tasks whose
      majority share is below ``confidence``, up to this many (``None`` = fixed redundancy).
    - ``difficulty``: ``auto`` (from a classifier when the dataset has features, else Beta),
      ``model``, ``beta`` (per task ~ Beta(difficulty_alpha, difficulty_beta)) or ``none``.
    - ``min_seconds``: a ban on speed — an answer faster than this is implausibly fast; a worker
      more than ``max_fast_share`` of whose answers so far were that fast, once they have given
      ``min_timed_answers``, is banned like one who fails gold (answers dropped, tasks re-issued).
      ``None`` = no speed ban.
    - ``gold_placement``: ``random`` (gold copies any task, or the dataset's gold pool) or
      ``adversarial``: gold copies only tasks where the campaign's reference model (a stand-in language
      model, :mod:`sandbox.simulation.reference`) is wrong, so that a worker who pastes its answers
      fails gold and is banned (how real platforms catch pasting); random where the campaign has no
      reference model or the model is never wrong.

    Construct with keywords (validated; SandboxError naming the key) or :meth:`from_dict`.
    """

    redundancy: Annotated[int, Field(ge=1)] = Field(
        5, description="answers per task (the start when adaptive)"
    )
    gold_rate: Rate = Field(0.0, description="share of a worker's items that are gold questions (below 1)")
    min_gold: Annotated[int, Field(ge=1)] = Field(5, description="gold answers before a worker can be banned")
    ban_threshold: Rate = Field(0.0, description="a worker whose gold accuracy falls below it is banned")
    qualification: Annotated[int, Field(ge=0)] = Field(
        0, description="gold questions every worker answers before starting (0 = no test)"
    )
    qualification_threshold: Rate = Field(0.0, description="pass mark of the qualification test")
    max_redundancy: Annotated[int, Field(ge=1)] | None = Field(
        None,
        description="adaptive: buy answers up to this many per task (at least redundancy; unset = fixed)",
    )
    confidence: Rate = Field(0.8, description="adaptive: the majority share that stops buying answers")
    difficulty: Difficulty = Field(
        "auto", description="per-task difficulty: from a classifier (model), Beta (beta), auto or none"
    )
    difficulty_alpha: Annotated[float, Field(gt=0)] = Field(1.0, description="Beta α of task difficulty")
    difficulty_beta: Annotated[float, Field(gt=0)] = Field(6.0, description="Beta β of task difficulty")
    min_seconds: Annotated[float, Field(gt=0, le=86_400)] | None = Field(
        None, description="speed ban: answers faster than this many seconds are too fast (unset = no ban)"
    )
    max_fast_share: Rate = Field(
        0.5, description="speed ban: a worker with a larger share of too-fast answers is banned"
    )
    min_timed_answers: Annotated[int, Field(ge=1)] = Field(
        5, description="speed ban: answers a worker gives before a speed ban can happen"
    )
    gold_placement: GoldPlacement = Field(
        "random",
        description="gold copies any task (random) or where the reference model is wrong (adversarial)",
    )

    @field_validator("gold_rate")
    @classmethod
    def _some_real_items(cls, value: float) -> float:
        if value >= 1:
            raise ValueError("must be below 1 (all-gold yields no data)")
        return value

    @field_validator("max_redundancy")
    @classmethod
    def _at_least_redundancy(cls, value: int | None, info: ValidationInfo) -> int | None:
        redundancy = info.data.get("redundancy")
        if value is not None and redundancy is not None and value < redundancy:
            raise ValueError(f"must be an integer >= {redundancy}, got {value!r}")
        return value

    @classmethod
    def from_dict(cls, values: Mapping[str, Any], source: str = "policy") -> CampaignPolicy:
        """Validate ``values`` (unknown keys and out-of-range values name ``source``, the key and what
        is allowed)."""
        return validate(cls, values, source)

    def to_dict(self) -> dict[str, Any]:
        """Plain values (for JSON, sweeps and the results store)."""
        return self.model_dump()

    @property
    def adaptive(self) -> bool:
        """Whether redundancy grows where consensus is uncertain."""
        return self.max_redundancy is not None and self.max_redundancy > self.redundancy

    @property
    def target_max(self) -> int:
        """The most answers any task may get."""
        return max(self.redundancy, self.max_redundancy or 0)
