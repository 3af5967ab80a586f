"""Your crowd against paid curation, at your prices, on your export's tasks: the ``verdict``.

One path for the ``verdict`` command and the dashboard's "Your export" page (:func:`export_verdict`):

1. the task kind turns the export into its own tasks with gold as a dataset and fits a population to
   its annotators at the crowd's price (``TaskKind.verdict_inputs``);
2. curation is a population preset (the kind's ``curation_preset`` unless another is named) whose
   price and accuracy may be replaced by the user's: assumptions, and said to be;
3. :func:`sandbox.experiment.compare.compare` answers both questions: which side labels better at the
   same budget (default: what curation charges for one answer per task), and what each side pays to
   reach a target accuracy (default: the better side's accuracy at that budget);
4. a short text says which side wins and why, from the numbers: cost, accuracy, misleading items,
   cheaters;
5. with ``Prices.llm``, a language model (a population such as ``llm_annotator``, answering from the
   campaign's stand-in reference model: :mod:`sandbox.simulation.reference`) is a third side of both
   questions. Its accuracy on your tasks is an assumption (``llm_accuracy``, the stand-in's confusion
   profile), and said to be; the verdict stays crowd against curation, and a line says where the
   model stands.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from annotators.population import Population, load_population_dict
from foundation.errors import SandboxError
from sandbox.aggregation.registry import Engine
from sandbox.datasets.dataset import Dataset
from sandbox.experiment.compare import Comparison, SideResult, compare
from sandbox.io.importers.base import ImportedAnswers
from sandbox.kinds.base import TaskKind
from sandbox.simulation.reference import ReferenceSettings

#: Two accuracies closer than this many standard errors of their difference are "about the same".
NOISE_STANDARD_ERRORS = 2.0
#: Fewer gold tasks than this: the verdict says how large a difference noise makes.
FEW_GOLD_TASKS = 100
#: Misleading items that cost less than this share of answers (share × pull) are not mentioned.
MISLEADING_FLOOR = 0.001


@dataclass(frozen=True)
class Prices:
    """What the user says the two sides cost (money units per answer) and how good curation is.

    ``curation``: a population preset or TOML file (None: the kind's ``curation_preset``);
    ``curation_cost`` and ``curation_accuracy``: replace the preset's price per answer and its curators'
    mean accuracy on ordinary items (None: the preset's own). ``llm``: a model population (preset or
    TOML) as a third side; ``llm_accuracy``: the stand-in model's accuracy on your tasks (None: the
    reference model's default).
    """

    cost_per_label: float
    curation_cost: float | None = None
    curation_accuracy: float | None = None
    curation: str | None = None
    llm: str | None = None
    llm_accuracy: float | None = None

    def checked(self) -> Prices:
        """The prices, or SandboxError naming the first that is not a finite number in range."""
        check_price(self.cost_per_label, "--cost-per-label")
        if self.curation_cost is not None:
            check_price(self.curation_cost, "--curation-cost")
        if self.curation_accuracy is not None:
            value = self.curation_accuracy
            if not isinstance(value, (int, float)) or not math.isfinite(value) or not 0 < value < 1:
                raise SandboxError(
                    f"--curation-accuracy must be a number strictly between 0 and 1, got {value!r}"
                )
        if self.llm_accuracy is not None:
            if self.llm is None:
                raise SandboxError("--llm-accuracy goes with --llm POPULATION (the model's side)")
            value = self.llm_accuracy
            if not isinstance(value, (int, float)) or not math.isfinite(value) or not 0 < value < 1:
                raise SandboxError(f"--llm-accuracy must be a number strictly between 0 and 1, got {value!r}")
        return self

    def reference(self) -> ReferenceSettings | None:
        """The stand-in model the ``llm`` side answers from (None without one)."""
        if self.llm is None:
            return None
        given = {} if self.llm_accuracy is None else {"accuracy": self.llm_accuracy}
        return ReferenceSettings.from_dict({"model": "profile", **given}, source="--llm-accuracy")


def check_price(value: float, what: str) -> float:
    """``value`` if it is a finite number >= 0 (money units per answer), else SandboxError."""
    if (
        not isinstance(value, (int, float))
        or isinstance(value, bool)
        or not math.isfinite(value)
        or value < 0
    ):
        raise SandboxError(f"{what} must be a finite number >= 0 (money units per answer), got {value!r}")
    return float(value)


def check_question(budget: float | None, target: float | None) -> None:
    """SandboxError for a budget that is not a finite number > 0 or a target outside (0, 1]."""
    if budget is not None and (not math.isfinite(budget) or budget <= 0):
        raise SandboxError(f"--budget must be a finite number > 0 (money units), got {budget!r}")
    if target is not None and (not math.isfinite(target) or not 0 < target <= 1):
        raise SandboxError(
            f"--target-accuracy must be in (0, 1] (a share of tasks labelled right), got {target!r}"
        )


@dataclass(frozen=True)
class SideProfile:
    """What a side is made of: its price, the share of its pool that does not try to be right
    (``cheater_share``: spammers, adversaries, ...), the share of items that mislead it and how often
    an honest member falls for one (``pull``)."""

    population: str
    cost_per_label: float
    fixed_cost: float
    cheater_share: float
    misleading_share: float
    pull: float


def profile(population: Population) -> SideProfile:
    """The :class:`SideProfile` of ``population``."""
    shares = population.items.misleading_share
    return SideProfile(
        population=population.name,
        cost_per_label=population.cost_per_label,
        fixed_cost=population.fixed_cost,
        cheater_share=float(sum(m.share for m in population.members if not m.archetype.honest)),
        misleading_share=float(sum(shares) / len(shares)) if shares else 0.0,
        pull=float(population.items.pull) if shares else 0.0,
    )


def curation_population(
    kind: TaskKind, prices: Prices, items: Mapping[str, Any] | None = None
) -> tuple[Population, tuple[str, ...]]:
    """Curation as the user prices it, and the assumptions it rests on (one sentence each).
    ``items``: the ``[items]`` table fitted to the export (misleading items, their lures, item
    difficulty): curators meet the same items, with the preset's own pull towards the lures."""
    name = prices.curation or kind.curation_preset
    if name is None:
        raise SandboxError(f"no curation preset for {kind.name} tasks: name one with --curation")
    data, source = load_population_dict(name)
    own_items = data.get("items")
    if items is not None and isinstance(own_items, dict) and "pull" in own_items:
        data["items"] = {**items, "pull": own_items["pull"]}
    if prices.curation_cost is not None:
        data["cost_per_label"] = prices.curation_cost
    skill = _honest_skill(data)
    if prices.curation_accuracy is not None:
        if skill is None:
            raise SandboxError(
                f"--curation-accuracy needs a curation population whose honest archetype has a "
                f"skill = {{ alpha, beta }}; {source} has none"
            )
        weight = float(skill["alpha"]) + float(skill["beta"])
        skill["alpha"] = prices.curation_accuracy * weight
        skill["beta"] = (1 - prices.curation_accuracy) * weight
    population = Population.from_dict(data, source)
    if population.kind != kind.name:
        raise SandboxError(f"curation {source} answers {population.kind} tasks, not {kind.name}")
    given = "(given)"
    assumptions = [
        f"curation is {population.name} ({source}): {population.description}",
        f"curation costs {population.cost_per_label:g} per answer "
        + (given if prices.curation_cost is not None else "(the preset's price)")
        + (f" plus {population.fixed_cost:g} fixed" if population.fixed_cost else ""),
    ]
    if skill is not None:
        mean = float(skill["alpha"]) / (float(skill["alpha"]) + float(skill["beta"]))
        assumptions.append(
            f"curators answer ordinary items right {mean:.3f} of the time on average "
            + (given if prices.curation_accuracy is not None else "(the preset's)")
        )
    curators = profile(population)
    if curators.misleading_share:
        met = "the misleading items fitted to your data" if items is not None else "misleading items"
        assumptions.append(
            f"curators meet {met} and fall for one {curators.pull:.2f} of the time "
            "(the preset's, not measured on your data)"
        )
    return population, tuple(assumptions)


def curation_defaults(kind: TaskKind, curation: str | None = None) -> tuple[float, float | None]:
    """(price per answer, curators' mean accuracy on ordinary items or None) of the curation
    population ``curation`` (default: the kind's preset), before the user replaces them."""
    name = curation or kind.curation_preset
    if name is None:
        raise SandboxError(f"no curation preset for {kind.name} tasks: name one with --curation")
    data, source = load_population_dict(name)
    population = Population.from_dict(data, source)
    skill = _honest_skill(data)
    mean = None if skill is None else float(skill["alpha"]) / (float(skill["alpha"]) + float(skill["beta"]))
    return population.cost_per_label, mean


def llm_population(kind: TaskKind, prices: Prices) -> tuple[Population | None, tuple[str, ...]]:
    """The model's side as the user names it (None without ``prices.llm``), and what it assumes."""
    if prices.llm is None:
        return None, ()
    data, source = load_population_dict(prices.llm)
    population = Population.from_dict(data, source)
    if population.kind != kind.name:
        raise SandboxError(f"--llm {source} answers {population.kind} tasks, not {kind.name}")
    if not any(m.archetype.consults_reference for m in population.members):
        raise SandboxError(
            f"--llm {source} has no member answering from the reference model (e.g. the llm_annotator "
            "preset's language_model archetype)"
        )
    reference = prices.reference()
    assert reference is not None
    accuracy = "(given)" if prices.llm_accuracy is not None else "(the stand-in's default)"
    return population, (
        f"the model is {population.name} ({source}): {population.description}",
        f"the model costs {population.cost_per_label:g} per answer (the preset's price)",
        f"the model is a stand-in, not a real model: a confusion profile right {reference.accuracy:.3f} "
        f"of the time on your tasks {accuracy}",
    )


def _honest_skill(data: Mapping[str, Any]) -> dict[str, Any] | None:
    """The mutable ``skill = { alpha, beta }`` table of the population dict's honest archetype, if any."""
    honest = data.get("archetypes", {}).get("honest") if isinstance(data.get("archetypes"), dict) else None
    skill = honest.get("skill") if isinstance(honest, dict) else None
    return skill if isinstance(skill, dict) and {"alpha", "beta"} <= set(skill) else None


@dataclass(frozen=True)
class Verdict:
    """Both questions answered for both sides, what each side is made of, and the verdict.

    ``winner``: "crowd", "curation" or "neither" (about the same); ``text``: the verdict in a few
    sentences; ``assumptions``: what was assumed about curation rather than measured;
    ``crowd_population``: the crowd compared (the fitted one, for an export).
    """

    dataset: str
    n_tasks: int
    aggregator: str
    seed: int
    budget: float
    budget_given: bool
    target_accuracy: float
    target_given: bool
    at_budget: Comparison
    at_target: Comparison
    crowd: SideProfile
    curation: SideProfile
    assumptions: tuple[str, ...]
    winner: str
    text: str
    crowd_population: Population | None = None
    llm: SideProfile | None = None


def default_budget(dataset: Dataset, curation: Population) -> float:
    """What curation charges for one answer per task (1 when it is free: any budget buys everything)."""
    budget = dataset.n_tasks * curation.cost_per_label + curation.fixed_cost
    return budget if budget > 0 else 1.0


def judge(
    dataset: Dataset,
    crowd: Population,
    curation: Population,
    aggregator: str,
    seed: int,
    *,
    budget: float | None = None,
    target_accuracy: float | None = None,
    engine: Engine = "fast",
    params: Mapping[str, Any] | None = None,
    assumptions: tuple[str, ...] = (),
    llm: Population | None = None,
    reference: ReferenceSettings | None = None,
) -> Verdict:
    """Compare ``crowd`` with ``curation`` (and the model's side ``llm``, answering from the stand-in
    ``reference``) on ``dataset`` at ``budget`` and at ``target_accuracy`` (defaults: see the module
    docstring) through :func:`sandbox.experiment.compare.compare`."""
    check_question(budget, target_accuracy)
    spend = budget if budget is not None else default_budget(dataset, curation)
    at_budget = compare(
        dataset,
        crowd,
        curation,
        aggregator,
        seed,
        budget=spend,
        engine=engine,
        params=params,
        llm=llm,
        reference=reference,
    )
    target = target_accuracy
    if target is None:
        reached = [s.accuracy for s in (at_budget.crowd, at_budget.curation) if math.isfinite(s.accuracy)]
        target = min(max(reached, default=1.0), 1.0) or 1.0
    at_target = compare(
        dataset,
        crowd,
        curation,
        aggregator,
        seed,
        target_accuracy=target,
        engine=engine,
        params=params,
        llm=llm,
        reference=reference,
    )
    sides = (profile(crowd), profile(curation))
    winner, text = verdict_text(at_budget, at_target, spend, target, *sides, n_tasks=dataset.n_tasks)
    if llm is not None:
        text += "\n" + model_line(at_budget, at_target, target, dataset.n_tasks)
    return Verdict(
        dataset=dataset.name,
        n_tasks=dataset.n_tasks,
        aggregator=aggregator,
        seed=seed,
        budget=spend,
        budget_given=budget is not None,
        target_accuracy=target,
        target_given=target_accuracy is not None,
        at_budget=at_budget,
        at_target=at_target,
        crowd=sides[0],
        curation=sides[1],
        assumptions=assumptions,
        winner=winner,
        text=text,
        crowd_population=crowd,
        llm=None if llm is None else profile(llm),
    )


def export_verdict(
    kind: TaskKind,
    imported: ImportedAnswers,
    gold: pd.Series | None,
    name: str,
    prices: Prices,
    *,
    seed: int = 0,
    budget: float | None = None,
    target_accuracy: float | None = None,
    aggregator: str | None = None,
    engine: Engine = "fast",
) -> Verdict:
    """The verdict on an export of ``kind`` read as ``imported`` (its ``gold`` by task, or None), at
    ``prices``:
    everything checked before any work; SandboxError for a price, budget or target out of range, or an
    export the kind cannot judge (e.g. without gold)."""
    prices.checked()
    check_question(budget, target_accuracy)
    curation_population(kind, prices)  # a bad curation or model is refused before any work
    model, model_assumptions = llm_population(kind, prices)
    method = kind.methods([aggregator or kind.default_aggregator])[0]
    dataset, fitted = kind.verdict_inputs(imported, gold, name, prices.cost_per_label, engine)
    crowd = Population.from_dict(fitted, f"the crowd fitted to {name}")
    items = fitted.get("items")
    mine = profile(crowd)
    if isinstance(items, dict) and mine.misleading_share * mine.pull < MISLEADING_FLOOR:
        # Items that pull nobody are not misleading: the fitted share is then unidentified, and
        # curators must not meet it either.
        shares = items.get("misleading_share")
        items = {**items, "misleading_share": [0.0] * len(shares) if isinstance(shares, list) else 0.0}
    curation, assumptions = curation_population(kind, prices, items)
    return judge(
        dataset,
        crowd,
        curation,
        method,
        seed,
        budget=budget,
        target_accuracy=target_accuracy,
        engine=engine,
        assumptions=assumptions + model_assumptions,
        llm=model,
        reference=prices.reference(),
    )


def _noise(a: SideResult, b: SideResult, n_tasks: int) -> float:
    """Two standard errors of the difference of two accuracies, each measured on the share of the
    ``n_tasks`` tasks its side covered (one success and one failure added to each, so that an
    accuracy of 0 or 1 on few tasks is not taken as certain)."""
    variance = 0.0
    for side in (a, b):
        n = max(side.coverage * n_tasks, 1.0)
        p = (side.accuracy * n + 1) / (n + 2)  # Agresti–Coull-like: never a zero variance at 0 or 1
        variance += p * (1 - p) / n
    return NOISE_STANDARD_ERRORS * math.sqrt(variance)


def _better_at_budget(result: Comparison, n_tasks: int) -> str:
    """The more accurate side at the budget ("neither" within noise); a side that covers fewer tasks
    than the other, or none, loses to one that covers them."""
    crowd, curation = result.crowd, result.curation
    if not math.isfinite(crowd.accuracy) or not math.isfinite(curation.accuracy):
        return "curation" if math.isfinite(curation.accuracy) else "crowd"
    if abs(crowd.coverage - curation.coverage) > 1e-9:
        return "crowd" if crowd.coverage > curation.coverage else "curation"
    if abs(crowd.accuracy - curation.accuracy) <= _noise(crowd, curation, n_tasks):
        return "neither"
    return "crowd" if crowd.accuracy > curation.accuracy else "curation"


def _cheaper_at_target(result: Comparison) -> str:
    """The side that reaches the target for less ("neither" when both pay the same or none reaches it)."""
    crowd, curation = result.crowd, result.curation
    if crowd.reached != curation.reached:
        return "crowd" if crowd.reached else "curation"
    if not crowd.reached or math.isclose(crowd.cost, curation.cost):
        return "neither"
    return "crowd" if crowd.cost < curation.cost else "curation"


def _side(side: SideResult, n_tasks: int) -> str:
    """One side's line: accuracy, coverage, answers per task, quality control."""
    covered = "" if side.coverage >= 1 - 1e-9 else f" on {side.coverage:.0%} of the tasks"
    qc = " with gold questions" if side.gold_rate else ""
    return f"{side.accuracy:.3f}{covered} ({side.redundancy} answer(s) per task{qc}, cost {side.cost:.4g})"


def verdict_text(
    at_budget: Comparison,
    at_target: Comparison,
    budget: float,
    target: float,
    crowd: SideProfile,
    curation: SideProfile,
    *,
    n_tasks: int,
) -> tuple[str, str]:
    """(winner, a few sentences saying which side wins and why) from the numbers of both questions."""
    richer = _better_at_budget(at_budget, n_tasks)
    cheaper = _cheaper_at_target(at_target)
    if richer == cheaper or cheaper == "neither":
        winner = richer
    elif richer == "neither":
        winner = cheaper
    else:
        winner = "neither"
    headline = {
        "crowd": "Your crowd wins",
        "curation": "Paid curation wins",
        "neither": "Neither side wins clearly",
    }[winner]
    lines = [
        f"{headline} on these {n_tasks} task{'s' if n_tasks != 1 else ''}.",
        f"Accuracy at the same budget ({budget:.4g} money units): crowd {_side(at_budget.crowd, n_tasks)}, "
        f"curation {_side(at_budget.curation, n_tasks)}"
        + (" (within noise)." if richer == "neither" else f": {richer} labels better."),
    ]
    reach = []
    for key, side in (("crowd", at_target.crowd), ("curation", at_target.curation)):
        reach.append(
            f"{key} pays {side.cost:.4g} ({side.redundancy} answer(s) per task)"
            if side.reached
            else f"{key} never reaches it (best {side.accuracy:.3f})"
        )
    lines.append(f"Cost of reaching accuracy {target:.3f}: " + "; ".join(reach) + ".")
    if crowd.cost_per_label and curation.cost_per_label:
        ratio = curation.cost_per_label / crowd.cost_per_label
        lines.append(
            f"Cost: an answer costs {crowd.cost_per_label:g} from the crowd and {curation.cost_per_label:g} "
            f"from curation, so curation's answer buys {ratio:.3g} crowd answers."
        )
    else:
        free = [key for key, p in (("crowd", crowd), ("curation", curation)) if not p.cost_per_label]
        lines.append(f"Cost: answers are free from the {' and the '.join(free)} (fixed costs aside).")
    if n_tasks < FEW_GOLD_TASKS:
        lines.append(
            f"Caution: only {n_tasks} gold task{'s' if n_tasks != 1 else ''} measure accuracy here; a "
            f"difference of {_noise(at_budget.crowd, at_budget.curation, n_tasks):.2f} or less is noise."
        )
    if crowd.misleading_share * crowd.pull < MISLEADING_FLOOR:
        lines.append("Misleading items: none found that pull your annotators to the same wrong answer.")
    else:
        lines.append(
            f"Misleading items: {crowd.misleading_share:.1%} of the items pull the crowd's honest "
            f"annotators to the same wrong answer {crowd.pull:.0%} of the time (curation: "
            f"{curation.pull:.0%}, assumed); more answers per task do not fix those items."
        )
    lines.append(
        f"Cheaters: {crowd.cheater_share:.0%} of your annotators answer without trying to be right "
        f"(curation: {curation.cheater_share:.0%})"
        + (
            "; gold questions catch them in the crowd's best configuration."
            if crowd.cheater_share and at_budget.crowd.gold_rate
            else "."
        )
    )
    return winner, "\n".join(lines)


def model_line(at_budget: Comparison, at_target: Comparison, target: float, n_tasks: int) -> str:
    """Where the model's side stands against both others: its line at the budget and at the target,
    and whether it labels better than both (beyond noise) at the budget."""
    model, reach = at_budget.llm, at_target.llm
    assert model is not None and reach is not None
    cost = (
        f"to reach {target:.3f} it pays {reach.cost:.4g}"
        if reach.reached
        else f"it never reaches {target:.3f} (best {reach.accuracy:.3f})"
    )
    best = all(
        math.isfinite(model.accuracy)
        and model.coverage >= other.coverage - 1e-9
        and model.accuracy - other.accuracy > _noise(model, other, n_tasks)
        for other in (at_budget.crowd, at_budget.curation)
        if math.isfinite(other.accuracy)
    )
    standing = (
        "it labels better than both at this budget"
        if best
        else "it does not label better than both at this budget"
    )
    return (
        f"A language model (assumed, see below): {_side(model, n_tasks)} at the same budget; {cost}; "
        f"{standing}, if it is as good on your tasks as assumed."
    )
