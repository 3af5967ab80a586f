"""Where the ratings twin's tolerances come from (``sandbox/kinds/ratings/twin.py``).

Two measurements, printed side by side:

1. *Sampling*: two random halves of the same real crowd (``../shared/data/ratings/nli_variation``, when
   present) compared with the statistics ``validate`` uses: how far apart real data lands from itself.
2. *A right twin*: ratings simulated from a known crowd (the population fitted to nli_variation when
   present, else ``ratings_paid_crowd``) on a 0-100 scale with nli_variation's shape (500 items, about
   50 ratings each, long-tailed activity), then validated exactly as a real export is (fit on half the
   items, replay the other half): what the statistics do when the model is right and only fitting and
   sampling stand between twin and crowd.

    python benchmarks/validate_ratings.py [--seeds 5]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from annotators.population import Population, load_population  # noqa: E402
from sandbox.datasets import load_dataset  # noqa: E402
from sandbox.experiment.experiment import Experiment  # noqa: E402
from sandbox.kinds.ratings import validation  # noqa: E402
from sandbox.kinds.ratings.answers import scale_of, with_scale  # noqa: E402
from sandbox.kinds.ratings.fit import fit_ratings_population  # noqa: E402
from sandbox.kinds.ratings.readers import load_ratings  # noqa: E402
from sandbox.kinds.ratings.twin import ItemShape, tvd  # noqa: E402
from sandbox.simulation.policy import CampaignPolicy  # noqa: E402

NLI = REPO.parent / "shared" / "data" / "ratings" / "nli_variation" / "long.csv"


def half_vs_half(answers: pd.DataFrame, seeds: int) -> pd.DataFrame:
    """The validate statistics between two random halves of the same crowd."""
    scale = scale_of(answers)
    items = pd.Index(pd.unique(answers["task"]))
    rows = []
    for seed in range(seeds):
        first, second = validation.split_items(items, seed)
        a = with_scale(answers[answers["task"].isin(first)], scale)
        b = with_scale(answers[answers["task"].isin(second)], scale)
        sa, sb = ItemShape.of(a, scale), ItemShape.of(b, scale)
        oa, ob = validation.rater_offsets(a, scale), validation.rater_offsets(b, scale)
        rows.append(
            {
                "tvd_item_means": tvd(sa.mean_hist, sb.mean_hist),
                "tvd_item_sds": tvd(sa.sd_hist, sb.sd_hist),
                "mean_item_sd": abs(sa.mean_sd - sb.mean_sd),
                "end_share": abs(sa.end_share - sb.end_share),
                "offset_sd": abs(float(oa.std(ddof=0)) - float(ob.std(ddof=0))),
            }
        )
    return pd.DataFrame(rows)


def right_twin(population: Population, seeds: int) -> pd.DataFrame:
    """The validate statistics of a crowd simulated from ``population`` (the twin's model is right)."""
    dataset = load_dataset("synthetic-ratings:n_items=500,scale=0-100,spread=1.5")
    rows = []
    for seed in range(seeds):
        experiment = Experiment(dataset, population, CampaignPolicy(redundancy=50), ("mean",), seed=seed)
        campaign = experiment.simulate()
        answers = experiment.kind.from_campaign(campaign.answers, dataset)
        result = validation.validate_once(answers, pd.Series(dtype=float), "simulated", seed)
        rows.append(
            {
                "tvd_item_means": result.tvd_item_means,
                "tvd_item_sds": result.tvd_item_sds,
                "mean_item_sd": abs(result.replica.mean_item_sd - result.real.mean_item_sd),
                "end_share": abs(result.replica.end_share - result.real.end_share),
                "offset_sd": abs(result.replica.offset_sd - result.real.offset_sd),
                "offset_correlation_gap": result.offset_correlation
                - validation.perfect_twin_correlation(result.offset_reliability),
            }
        )
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    pd.set_option("display.width", 160)
    if NLI.is_file():
        real = load_ratings(NLI, format="long").answers
        print(f"1. two halves of nli_variation ({args.seeds} splits): min, max and mean of each statistic")
        print(half_vs_half(real, args.seeds).agg(["min", "max", "mean"]).round(4).to_string(), "\n")
        fitted = fit_ratings_population(real, name="nli_variation")
        population = Population.from_dict(
            {**fitted.population, "items": {"difficulty": fitted.population["items"]["difficulty"]}},
            "the crowd fitted to nli_variation",
        )
        source = "the crowd fitted to nli_variation"
    else:
        population, source = load_population("ratings_paid_crowd"), "ratings_paid_crowd"
    print(f"2. a right twin: ratings simulated from {source}, validated ({args.seeds} splits)")
    print(right_twin(population, args.seeds).agg(["min", "max", "mean"]).round(4).to_string())


if __name__ == "__main__":
    main()
