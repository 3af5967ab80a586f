"""Aggregation under shared mistakes: accuracy as the share of LLM-assisted workers grows.

    python benchmarks/llm_assisted_share.py                  # both kinds, 3 seeds
    python benchmarks/llm_assisted_share.py --seeds 5 --kind classification

Classification: ``paid_crowd`` on ``digits`` (the reference model: an out-of-fold logistic
regression on 20 % of the data) with a share s of its workers LLM-assisted (reliance 0.8 per answer),
5 answers per item; MV, Dawid–Skene, GLAD and MACE; once with that model (better than the crowd) and
once with a weaker one (Gaussian naive Bayes, worse than the crowd). Then the same crowd under
gold-based quality control (10 % gold, ban below 70 % after 5 gold answers) with gold at random and
with adversarial gold (placed where the model is wrong; ``--gold-placement adversarial``), aggregated
by MV and DS. Pairwise: the AlpacaFarm-like ``pairwise_paid_crowd`` on ``synthetic-pairs`` with a tie
button (``ties=0.15``), the stand-in judge, 5 answers per pair; Bradley–Terry and the tie-aware
Davidson model. Reference lines: paid curation (one answer per item) and the model as its own
population (``llm_annotator``/``llm_judge``, one answer per variant). Every number is a real
simulation, averaged over the seeds.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sandbox.datasets import load_dataset  # noqa: E402
from sandbox.experiment.assisted_share import ShareCurve, assisted_share_curve  # noqa: E402
from sandbox.simulation.reference import ReferenceSettings  # noqa: E402

SHARES = (0.0, 0.2, 0.33, 0.5, 0.7)
#: A model better than the crowd (out-of-fold logistic regression on 20 %: about 93 % on digits) and
#: one worse (Gaussian naive Bayes: about 81 %).
MODELS = {
    "strong model (logistic)": ReferenceSettings(),
    "weak model (naive Bayes)": ReferenceSettings(model="naive_bayes"),
}
GOLD = {"gold_rate": 0.1, "ban_threshold": 0.7, "min_gold": 5}


def table(curve: ShareCurve, title: str) -> str:
    """Mean accuracy per share (rows) and aggregator (columns), then the reference levels."""
    means = curve.points.groupby(["share", "aggregator"])["accuracy"].mean().unstack("aggregator")
    lines = [title, "share  " + "  ".join(f"{name:>8}" for name in means.columns)]
    for share, row in means.iterrows():
        lines.append(f"{share:5.2f}  " + "  ".join(f"{value:8.4f}" for value in row))
    lines.append(f"reference model's own accuracy: {curve.reference_accuracy:.4f}")
    if curve.curation is not None:
        lines.append(f"paid curation (1 answer per item): {curve.curation:.4f}")
    if curve.llm is not None:
        lines.append(f"the model as its own population: {curve.llm:.4f}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--kind", choices=("classification", "pairwise", "both"), default="both")
    args = parser.parse_args()
    seeds = list(range(args.seeds))
    started = time.perf_counter()
    if args.kind in ("classification", "both"):
        digits = load_dataset("digits")
        for label, settings in MODELS.items():
            curve = assisted_share_curve(
                digits, "paid_crowd", SHARES, ("mv", "ds", "glad", "mace"), seeds,
                curation="paid_curation", llm="llm_annotator", reference=settings,
            )  # fmt: skip
            print(
                table(curve, f"paid_crowd on digits, {label}, 5 answers per item: accuracy by assisted share")
            )
            print()
            for placement in ("random", "adversarial"):
                gold = assisted_share_curve(
                    digits, "paid_crowd", SHARES, ("mv", "ds"), seeds,
                    policy={**GOLD, "gold_placement": placement}, reference=settings,
                )  # fmt: skip
                print(table(gold, f"the same, {label}, 10 % gold placed {placement}ly, ban below 70 %"))
                print()
    if args.kind in ("pairwise", "both"):
        pairs = load_dataset("synthetic-pairs:n_items=200,n_pairs=2000,length_corr=0.3,ties=0.15")
        curve = assisted_share_curve(
            pairs, "pairwise_paid_crowd", SHARES, ("bt", "davidson"), seeds,
            curation="pairwise_curation", llm="llm_judge",
        )  # fmt: skip
        print(table(curve, "pairwise_paid_crowd on synthetic pairs with ties, 5 answers per pair"))
    print(f"\n{time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
