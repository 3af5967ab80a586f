"""A simulated labelling campaign under a quality-control policy, in rounds.

Each round: tasks that still need answers get distinct eligible workers (weighted by activity);
each worker's new items are interleaved with gold questions at the policy's rate; everything is
answered by the archetypes, and every answer takes time (:mod:`sandbox.simulation.timing`); a worker
whose gold accuracy falls below the ban threshold (after ``min_gold`` gold answers), or more of whose
answers than ``max_fast_share`` were faster than ``min_seconds`` (after ``min_timed_answers``), is
banned on the spot — later items are never done, all their answers are dropped, and their tasks are
re-issued in the next round. With adaptive redundancy, tasks whose
majority share is below the confidence threshold get one more answer per round, up to the maximum.
Everything is vectorized within a round; the loop runs over rounds only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from annotators.archetypes import EarlierAnswers
from annotators.items import NO_LURE
from annotators.population import Population
from sandbox.datasets.dataset import Dataset
from sandbox.randomness import SeedLike, make_rng, substream
from sandbox.resources import check_memory, check_work
from sandbox.simulation.answering import Crowd, Slots, TaskContext, answer, draw_crowd
from sandbox.simulation.assignment import SEQUENTIAL_TASKS, assign_slots, check_redundancy
from sandbox.simulation.difficulty import TaskDifficulty, task_difficulty
from sandbox.simulation.policy import CampaignPolicy
from sandbox.simulation.reference import ReferenceModel
from sandbox.simulation.rules import CLASS_CODES, AnswerRules
from sandbox.simulation.timing import TIME_STREAM, CrowdTimes, answer_seconds, draw_times

MAX_ROUNDS = 200
#: The random stream that decides which items are misleading (see ``sandbox.randomness.substream``).
ITEM_STREAM = 0x17E5
#: The random stream of the items' measured difficulty (shared by every population, like lures).
DIFFICULTY_STREAM = 0xD1F
#: Memory of one answer while a campaign runs and is scored (the answers, a round's items, the
#: archetypes' arrays, the aggregators' codes; about 500 bytes measured at a million answers).
BYTES_PER_ANSWER = 400
#: Memory of one worker of the pool (traits, activity, quality-control state).
BYTES_PER_WORKER = 120
#: Adversarial gold copies items the reference model gets wrong that are at most this difficult
#: (0 = easy, 1 = hopeless): a model's mistakes are often on items people find hard too.
ADVERSARIAL_MAX_DIFFICULTY = 0.2
#: Random keys the first round's assignment may draw (tasks × pool; about 25 million a second).
ASSIGNMENT_KEY_LIMIT = 1e9


def check_campaign(n_tasks: int, pool_size: int, policy: CampaignPolicy) -> None:
    """Refuse a campaign the machine cannot run, estimated before anything is allocated: a task
    cannot get more distinct workers than the pool has; the answers and the pool must fit in
    memory; up to ``SEQUENTIAL_TASKS`` tasks the first round's assignment draws one random key per
    task and worker (above, a few draws per answer: the memory check bounds them)."""
    check_redundancy(policy.redundancy, pool_size)
    answers = n_tasks * policy.target_max / (1.0 - policy.gold_rate) + pool_size * policy.qualification
    what = f"a campaign of {n_tasks} tasks × {policy.target_max} answers with a pool of {pool_size} workers"
    check_memory(
        answers * BYTES_PER_ANSWER + pool_size * BYTES_PER_WORKER, what, "give fewer tasks or a smaller pool"
    )
    if n_tasks > SEQUENTIAL_TASKS:
        return
    check_work(
        float(n_tasks) * pool_size,
        ASSIGNMENT_KEY_LIMIT,
        what,
        "random draws in its first round (tasks × pool)",
        f"a pool of at most {max(int(ASSIGNMENT_KEY_LIMIT // max(n_tasks, 1)), policy.redundancy)} "
        f"workers for {n_tasks} tasks",
    )


@dataclass(frozen=True)
class CampaignStats:
    """Counts that make up the bill and the quality-control report."""

    labels_bought: int
    gold_answers: int
    qualification_answers: int
    banned_workers: int
    not_admitted: int
    rounds: int

    @property
    def paid_answers(self) -> int:
        """Every answer paid for: labels (kept or dropped), gold and qualification questions."""
        return self.labels_bought + self.gold_answers + self.qualification_answers


@dataclass(frozen=True)
class Campaign:
    """What a campaign produced.

    ``answers``: kept answers ``task, worker, label, seconds`` (dataset task ids, worker ids 0..pool-1,
    class codes, seconds the answer took).
    ``workers``: index ``worker``; ``archetype``, ``honest``, ``skill`` (true P(correct)), ``target`` (a
    worker's fixed class or promoted item, -1 when none), ``admitted``,
    ``banned``, ``gold_answers``, ``gold_correct``, then the archetypes' named traits
    (``WorkerTraits.traits``).
    ``cost``: paid answers × cost per label + fixed cost.
    ``lure``: per dataset row, the class a misleading item pulls to (``NO_LURE`` for ordinary items);
    None when the population's items mislead nobody.
    """

    answers: pd.DataFrame
    workers: pd.DataFrame
    cost: float
    stats: CampaignStats
    lure: NDArray[Any] | None = None

    @property
    def n_labels(self) -> int:
        """Answers kept in the data."""
        return len(self.answers)


@dataclass
class _WorkerState:
    items_done: NDArray[Any]
    gold_seen: NDArray[Any]
    gold_correct: NDArray[Any]
    banned: NDArray[Any]
    admitted: NDArray[Any]
    timed_seen: NDArray[Any]
    fast_seen: NDArray[Any]


@dataclass
class _Answers:
    task: list[NDArray[Any]]
    worker: list[NDArray[Any]]
    label: list[NDArray[Any]]
    label_dtype: np.dtype[Any]
    seconds: list[NDArray[Any]]

    def arrays(self) -> tuple[NDArray[Any], NDArray[Any], NDArray[Any]]:
        """Every answer so far as three arrays (concatenated once: later calls reuse them)."""
        if not self.task:
            empty = np.empty(0, dtype=np.int64)
            return empty, empty, np.empty(0, dtype=self.label_dtype)
        for parts in (self.task, self.worker, self.label, self.seconds):
            if len(parts) > 1:
                parts[:] = [np.concatenate(parts)]
        return self.task[0], self.worker[0], self.label[0]

    def times(self) -> NDArray[Any]:
        """Every answer's seconds, in the order of :meth:`arrays`."""
        self.arrays()
        return self.seconds[0] if self.seconds else np.empty(0)


def run_campaign(
    dataset: Dataset,
    population: Population,
    policy: CampaignPolicy,
    seed: SeedLike,
    difficulty: TaskDifficulty | None = None,
    rules: AnswerRules = CLASS_CODES,
    reference: ReferenceModel | None = None,
) -> Campaign:
    """Simulate ``population`` labelling ``dataset`` under ``policy``; same seed ⇒ same campaign.

    ``difficulty`` overrides the policy's per-task difficulty (e.g. computed on a larger dataset);
    ``rules``: what the task kind says of its answers (gold correctness, agreement; class codes by
    default); ``reference``: the campaign's reference model on the dataset's rows (what LLM-using
    archetypes consult; adversarial gold goes where it is wrong).
    """
    check_campaign(dataset.n_tasks, population.pool_size, policy)
    rng = make_rng(seed)
    crowd = draw_crowd(population, dataset.n_classes, dataset.class_prior(), rng)
    time_rng = substream(seed, TIME_STREAM)
    times = draw_times(population, crowd.member, time_rng)
    weights = population.activity_weights(rng)
    context = replace(_task_context(dataset, population, policy, seed, difficulty, rng), reference=reference)
    run = _Run(dataset, population, policy, rules, crowd, context, rng, times, time_rng)
    qualification_answers = run.qualify()
    labels_bought, gold_answers, rounds = run.label_in_rounds(weights)
    return run.result(qualification_answers, labels_bought, gold_answers, rounds)


def _task_context(
    dataset: Dataset,
    population: Population,
    policy: CampaignPolicy,
    seed: SeedLike,
    difficulty: TaskDifficulty | None,
    rng: np.random.Generator,
) -> TaskContext:
    """What the answering knows of the tasks: truth, difficulty, lures of misleading items."""
    if difficulty is None:
        difficulty = task_difficulty(
            dataset, policy, rng, population.items, substream(seed, DIFFICULTY_STREAM)
        )
    truth = dataset.truth.to_numpy()
    items = population.items
    return TaskContext(
        truth=truth,
        difficulty=difficulty.difficulty,
        confusion=difficulty.confusion,
        class_prior=dataset.class_prior(),
        campaign_key=int(rng.integers(2**62)),
        lure=(
            items.draw(truth, dataset.n_classes, substream(seed, ITEM_STREAM), difficulty.confusion)
            if items.misleading
            else None
        ),
        pull=items.pull,
        task_data=dataset.task_context(),
        work=dataset.task_work(),
    )


class _Run:
    """One campaign in progress: the crowd, the tasks, the workers' quality-control state and the
    answers kept so far. The loop is :meth:`label_in_rounds`; quality control is its named steps:
    :meth:`qualify`, gold interleaving, bans on gold (:func:`_apply_bans`) and adaptive redundancy
    (:meth:`grown`)."""

    def __init__(
        self,
        dataset: Dataset,
        population: Population,
        policy: CampaignPolicy,
        rules: AnswerRules,
        crowd: Crowd,
        context: TaskContext,
        rng: np.random.Generator,
        times: CrowdTimes,
        time_rng: np.random.Generator,
    ) -> None:
        self.dataset, self.population, self.policy, self.rules = dataset, population, policy, rules
        self.crowd, self.context, self.rng = crowd, context, rng
        self.times, self.time_rng = times, time_rng
        pool = population.pool_size
        self.state = _WorkerState(
            items_done=np.zeros(pool, dtype=np.int64),
            gold_seen=np.zeros(pool, dtype=np.int64),
            gold_correct=np.zeros(pool, dtype=np.int64),
            banned=np.zeros(pool, dtype=bool),
            admitted=np.ones(pool, dtype=bool),
            timed_seen=np.zeros(pool, dtype=np.int64),
            fast_seen=np.zeros(pool, dtype=np.int64),
        )
        self.earlier = EarlierAnswers(np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64))
        self.gold_rows = gold_pool(dataset.gold_rows(), policy, context)
        self.store = _Answers([], [], [], rules.answer_dtype, [])

    def qualify(self) -> int:
        """Every worker answers ``policy.qualification`` gold questions; those below the threshold are
        out. Returns the number of qualification answers (paid)."""
        policy, context = self.policy, self.context
        questions = policy.qualification
        if not questions:
            return 0
        pool = len(self.crowd.member)
        worker = np.repeat(np.arange(pool), questions)
        slots = Slots(
            task=gold_tasks(len(worker), context, self.gold_rows, self.rng),
            worker=worker,
            is_gold=np.ones(len(worker), dtype=bool),
            position=np.tile(np.arange(questions), pool),
        )
        labels, _ = answer(
            slots, self.crowd, self.population, context, self.earlier, self.rng, self.rules.answer_dtype
        )
        right = self.rules.correct(labels, context.truth[slots.task])
        correct = np.bincount(worker, weights=right, minlength=pool)
        self.state.admitted = correct / questions >= policy.qualification_threshold
        self.state.items_done += questions
        return len(worker)

    def label_in_rounds(self, weights: NDArray[Any]) -> tuple[int, int, int]:
        """Rounds until every task has its answers (or nobody eligible is left): assign, answer,
        ban; then adaptive redundancy. Returns (labels bought, gold answers, rounds)."""
        state, n_tasks = self.state, self.dataset.n_tasks
        target = np.full(n_tasks, self.policy.redundancy, dtype=np.int64)
        labels_bought = gold_answers = rounds = 0
        while rounds < MAX_ROUNDS:
            task, worker, label = self.store.arrays()
            kept_task, kept_label = _kept(state, worker, task, label)
            have = np.bincount(kept_task, minlength=n_tasks)
            need = np.maximum(target - have, 0)
            if not need.any():
                grown = self.grown(target, have, kept_task, kept_label)
                if not grown.any():
                    break
                target += grown
                continue
            eligible = weights * (state.admitted & ~state.banned)
            new_task, new_worker = assign_slots(need, eligible, task, worker, self.rng)
            if len(new_task) == 0:
                break  # nobody eligible is left for the tasks that still need answers
            rounds += 1
            bought, gold = self.one_round(new_task, new_worker)
            labels_bought += bought
            gold_answers += gold
        return labels_bought, gold_answers, rounds

    def one_round(self, task: NDArray[Any], worker: NDArray[Any]) -> tuple[int, int]:
        """Answer the assigned ``(task, worker)`` slots with gold interleaved, apply bans and keep the
        answers done; returns (labels bought, gold answers)."""
        slots = _interleave_gold(
            task, worker, self.policy.gold_rate, self.state, self.context, self.gold_rows, self.rng
        )
        labels, self.earlier = answer(
            slots, self.crowd, self.population, self.context, self.earlier, self.rng, self.rules.answer_dtype
        )
        seconds = answer_seconds(slots.task, slots.worker, self.times, self.context.work, self.time_rng)
        gold = slots.is_gold
        right = np.zeros(len(slots.task), dtype=bool)
        right[gold] = self.rules.correct(labels[gold], self.context.truth[slots.task[gold]])
        done = _apply_bans(slots, right, self.policy, self.state, seconds)
        real = done & ~slots.is_gold
        self.store.task.append(slots.task[real])
        self.store.worker.append(slots.worker[real])
        self.store.label.append(labels[real])
        self.store.seconds.append(seconds[real])
        return int(real.sum()), int((done & slots.is_gold).sum())

    def grown(
        self, target: NDArray[Any], have: NDArray[Any], task: NDArray[Any], label: NDArray[Any]
    ) -> NDArray[Any]:
        """Adaptive redundancy: one more answer (0/1 per task) where the kind's agreement of its
        answers is below ``policy.confidence``."""
        policy = self.policy
        if not policy.adaptive:
            return np.zeros_like(target)
        agreement = self.rules.agreement(task, label, len(target), self.dataset.n_classes)
        uncertain = (agreement < policy.confidence) & (target < policy.target_max) & (have >= target)
        return uncertain.astype(np.int64)

    def result(
        self, qualification_answers: int, labels_bought: int, gold_answers: int, rounds: int
    ) -> Campaign:
        """The kept answers (banned workers' dropped), the workers and the bill."""
        state, population = self.state, self.population
        task, worker, label = self.store.arrays()
        task, worker, label, seconds = _kept(state, worker, task, worker, label, self.store.times())
        answers = pd.DataFrame(  # one block per column, not one copy into a 2-D block
            {
                "task": self.dataset.truth.index.to_numpy()[task],
                "worker": worker,
                "label": label,
                "seconds": seconds,
            },
            copy=False,
        )
        stats = CampaignStats(
            labels_bought=labels_bought,
            gold_answers=gold_answers,
            qualification_answers=qualification_answers,
            banned_workers=int(state.banned.sum()),
            not_admitted=int((~state.admitted).sum()),
            rounds=rounds,
        )
        cost = stats.paid_answers * population.cost_per_label + population.fixed_cost
        return Campaign(answers, worker_table(population, self.crowd, state), cost, stats, self.context.lure)


def _kept(state: _WorkerState, worker: NDArray[Any], *columns: NDArray[Any]) -> tuple[NDArray[Any], ...]:
    """``columns`` (one entry per answer by ``worker``) without the answers of banned workers (the
    arrays themselves when nobody is banned)."""
    if not state.banned.any():
        return columns
    kept = ~state.banned[worker]
    return tuple(column[kept] for column in columns)


def _interleave_gold(
    task: NDArray[Any],
    worker: NDArray[Any],
    gold_rate: float,
    state: _WorkerState,
    context: TaskContext,
    gold_rows: NDArray[Any] | None,
    rng: np.random.Generator,
) -> Slots:
    """Each worker's new tasks in task order, with Geometric(1 - gold_rate) gold questions before each
    (so gold is ``gold_rate`` of a worker's items on average); positions continue the worker's count."""
    order = _by_worker_then_task(task, worker)
    task, worker = task[order], worker[order]
    if not gold_rate:  # the k-th item of a worker's run is at items_done + k: index - run start + items_done
        sizes = np.bincount(worker, minlength=len(state.items_done))
        position = np.arange(len(task)) - (np.cumsum(sizes) - sizes - state.items_done)[worker]
        return Slots(task=task, worker=worker, is_gold=np.zeros(len(task), dtype=bool), position=position)
    gold_before = rng.negative_binomial(1, 1.0 - gold_rate, size=len(task))
    steps = gold_before + 1
    within = _cumsum_within(worker, steps)
    real_position = state.items_done[worker] + within - 1
    n_gold = int(gold_before.sum())
    gold_worker = np.repeat(worker, gold_before)
    offset = np.arange(n_gold) - np.repeat(np.cumsum(gold_before) - gold_before, gold_before)
    gold_position = np.repeat(real_position - gold_before, gold_before) + offset
    return Slots(
        task=np.concatenate([task, gold_tasks(n_gold, context, gold_rows, rng)]),
        worker=np.concatenate([worker, gold_worker]),
        is_gold=np.concatenate([np.zeros(len(task), dtype=bool), np.ones(n_gold, dtype=bool)]),
        position=np.concatenate([real_position, gold_position]),
    )


def _by_worker_then_task(task: NDArray[Any], worker: NDArray[Any]) -> NDArray[Any]:
    """The order of ``np.lexsort((task, worker))``; when ``task`` is already sorted (as assignments
    come), a stable sort on the worker alone gives it, with narrow worker codes for a radix sort."""
    if len(task) < 2 or np.any(task[1:] < task[:-1]):
        return np.lexsort((task, worker))
    narrow = worker.astype(np.uint16) if worker.max() < 2**16 and worker.min() >= 0 else worker
    return np.argsort(narrow, kind="stable")


def gold_pool(
    gold_rows: NDArray[Any] | None, policy: CampaignPolicy, context: TaskContext
) -> NDArray[Any] | None:
    """The rows gold questions copy: the dataset's gold pool (``None``: any row); under adversarial
    placement, the rows where the reference model is wrong that humans can answer: difficulty at most
    :data:`ADVERSARIAL_MAX_DIFFICULTY` (the easiest quarter of them when none is that easy; a
    requester verifies that careful people get a gold question right), within the dataset's gold
    pool when it has such rows. Unchanged without a reference model or where it is never wrong."""
    if policy.gold_placement != "adversarial" or context.reference is None:
        return gold_rows
    wrong = context.reference.wrong_rows(context.truth)
    if not len(wrong):
        return gold_rows
    if gold_rows is not None and len(np.intersect1d(wrong, np.asarray(gold_rows))):
        wrong = np.intersect1d(wrong, np.asarray(gold_rows))
    difficulty = np.asarray(context.difficulty, dtype=float)[wrong]
    clear = wrong[difficulty <= ADVERSARIAL_MAX_DIFFICULTY]
    if len(clear):
        return clear
    return wrong[np.argsort(difficulty, kind="stable")[: max(1, len(wrong) // 4)]]


def gold_tasks(
    count: int, context: TaskContext, gold_rows: NDArray[Any] | None, rng: np.random.Generator
) -> NDArray[Any]:
    """The tasks ``count`` gold questions are copies of: any task, or the dataset's gold pool
    (``gold_rows``); never a misleading item (a requester picks clear cases for quality control)."""
    pool = gold_rows
    if context.lure is not None:
        ordinary = np.flatnonzero(context.lure == NO_LURE)
        clear = ordinary if pool is None else np.intersect1d(np.asarray(pool), ordinary)
        if len(clear):  # when every item misleads, gold comes from where it can
            pool = clear
    if pool is None:
        return rng.integers(0, len(context.truth), size=count)
    return np.asarray(pool)[rng.integers(0, len(pool), size=count)]


def _cumsum_within(groups: NDArray[Any], values: NDArray[Any]) -> NDArray[Any]:
    """Cumulative sum of ``values`` restarting at each new value of ``groups`` (sorted worker ids,
    non-negative integers: each group's first position comes from a count, not a comparison)."""
    total = np.cumsum(values)
    if len(groups) == 0:
        return total
    sizes = np.bincount(groups)
    first = np.minimum(np.cumsum(sizes) - sizes, len(groups) - 1)  # empty groups: any valid index
    return total - (total[first] - values[first])[groups]


def _apply_bans(
    slots: Slots,
    right: NDArray[Any],
    policy: CampaignPolicy,
    state: _WorkerState,
    seconds: NDArray[Any] | None = None,
) -> NDArray[Any]:
    """Update gold tallies (``right``: per item, whether it is a correct gold answer) and speed
    tallies (``seconds`` per item), ban workers whose running gold accuracy drops below the
    threshold or whose share of too-fast answers rises above the policy's, and return which slots
    were actually done (everything up to and including the banning answer)."""
    no_ban = np.iinfo(np.int64).max
    ban_position = np.full(len(state.banned), no_ban)
    gold = np.flatnonzero(slots.is_gold)
    gold_order = gold[np.lexsort((slots.position[gold], slots.worker[gold]))]
    gold_worker = slots.worker[gold_order]
    correct = right[gold_order].astype(np.int64)
    if len(gold) and policy.ban_threshold > 0:
        seen = state.gold_seen[gold_worker] + _cumsum_within(gold_worker, np.ones_like(correct))
        right_so_far = state.gold_correct[gold_worker] + _cumsum_within(gold_worker, correct)
        failing = (seen >= policy.min_gold) & (right_so_far < policy.ban_threshold * seen)
        np.minimum.at(ban_position, gold_worker[failing], slots.position[gold_order][failing])
    timed = policy.min_seconds is not None and seconds is not None and len(slots.task) > 0
    if timed:
        assert seconds is not None and policy.min_seconds is not None
        order = np.lexsort((slots.position, slots.worker))
        worker = slots.worker[order]
        fast = (seconds[order] < policy.min_seconds).astype(np.int64)
        seen = state.timed_seen[worker] + _cumsum_within(worker, np.ones_like(fast))
        fast_so_far = state.fast_seen[worker] + _cumsum_within(worker, fast)
        too_fast = (seen >= policy.min_timed_answers) & (fast_so_far > policy.max_fast_share * seen)
        np.minimum.at(ban_position, worker[too_fast], slots.position[order][too_fast])
    banning = ban_position < no_ban
    done = np.ones(len(slots.task), dtype=bool)
    if banning.any():
        done = slots.position <= ban_position[slots.worker]
        state.banned[banning] = True
    if len(gold):
        counted = done[gold_order]
        np.add.at(state.gold_seen, gold_worker[counted], 1)
        np.add.at(state.gold_correct, gold_worker[counted], correct[counted])
    if timed:
        assert seconds is not None and policy.min_seconds is not None
        np.add.at(state.timed_seen, slots.worker[done], 1)
        np.add.at(state.fast_seen, slots.worker[done], (seconds[done] < policy.min_seconds).astype(np.int64))
    if len(slots.task):
        np.maximum.at(state.items_done, slots.worker[done], slots.position[done] + 1)
    return done


def worker_table(population: Population, crowd: Crowd, state: _WorkerState) -> pd.DataFrame:
    """Hidden worker traits and quality-control outcome, index ``worker`` (then one column per named
    trait of the archetypes, ``WorkerTraits.traits``)."""
    archetypes = np.array([m.archetype.name for m in population.members], dtype=object)
    honest = np.array([m.archetype.honest for m in population.members], dtype=bool)
    return pd.DataFrame(
        {
            "archetype": archetypes[crowd.member],
            "honest": honest[crowd.member],
            "skill": crowd.skill,
            "target": crowd.target,
            "admitted": state.admitted,
            "banned": state.banned,
            "gold_answers": state.gold_seen,
            "gold_correct": state.gold_correct,
            **crowd.traits,
        },
        index=pd.RangeIndex(len(crowd.member), name="worker"),
    )
