"""How a campaign is run: redundancy, quality control (gold, bans, qualification), adaptive redundancy,
task difficulty. Built from keyword values (CLI flags, TOML tables, sweep cells) and validated."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

from annotators.errors import SandboxError

DIFFICULTY_MODES = ("auto", "none", "model", "beta")


@dataclass(frozen=True)
class CampaignPolicy:
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
    """

    redundancy: int = 5
    gold_rate: float = 0.0
    min_gold: int = 5
    ban_threshold: float = 0.0
    qualification: int = 0
    qualification_threshold: float = 0.0
    max_redundancy: int | None = None
    confidence: float = 0.8
    difficulty: str = "auto"
    difficulty_alpha: float = 1.0
    difficulty_beta: float = 6.0

    @classmethod
    def from_dict(cls, values: Mapping[str, Any], source: str = "policy") -> CampaignPolicy:
        """Validate ``values`` (unknown keys and out-of-range values name the key and what is allowed)."""
        allowed = [f.name for f in fields(cls)]
        for key in values:
            if key not in allowed:
                raise SandboxError(f"{source}: unknown key {key!r}; allowed: {', '.join(allowed)}")
        policy = cls(**dict(values))
        policy.check(source)
        return policy

    def to_dict(self) -> dict[str, Any]:
        """Plain values (for JSON, sweeps and the results store)."""
        return asdict(self)

    @property
    def adaptive(self) -> bool:
        """Whether redundancy grows where consensus is uncertain."""
        return self.max_redundancy is not None and self.max_redundancy > self.redundancy

    @property
    def target_max(self) -> int:
        """The most answers any task may get."""
        return max(self.redundancy, self.max_redundancy or 0)

    def check(self, source: str) -> None:
        """Raise SandboxError naming the first out-of-range setting."""
        _integer(self.redundancy, f"{source}: redundancy", 1)
        _integer(self.min_gold, f"{source}: min_gold", 1)
        _integer(self.qualification, f"{source}: qualification", 0)
        if self.max_redundancy is not None:
            _integer(self.max_redundancy, f"{source}: max_redundancy", self.redundancy)
        for name in ("gold_rate", "ban_threshold", "qualification_threshold", "confidence"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
                raise SandboxError(f"{source}: {name} must be a number in [0, 1], got {value!r}")
        if self.gold_rate >= 1:
            raise SandboxError(f"{source}: gold_rate must be below 1 (all-gold yields no data)")
        if self.difficulty not in DIFFICULTY_MODES:
            raise SandboxError(
                f"{source}: difficulty must be one of {', '.join(DIFFICULTY_MODES)}, got {self.difficulty!r}"
            )
        for name in ("difficulty_alpha", "difficulty_beta"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise SandboxError(f"{source}: {name} must be a number > 0, got {value!r}")


def _integer(value: Any, where: str, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise SandboxError(f"{where} must be an integer >= {minimum}, got {value!r}")
