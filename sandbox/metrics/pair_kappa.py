"""Cohen's kappa between every two annotators who share enough tasks (Label Studio Enterprise's
"agreement matrix"), in memory proportional to the answers.

For annotators a and b and the tasks both answered (a repeated answer of one annotator on a task:
their first one counts), the table m_ij of tasks a labelled i and b labelled j gives the observed
agreement p_o = Σ_i m_ii / m and the chance agreement p_e = Σ_i (Σ_j m_ij)(Σ_j m_ji) / m², and
kappa = (p_o − p_e) / (1 − p_e) (Cohen 1960; scikit-learn's ``cohen_kappa_score`` on the two
label vectors). Pairs sharing fewer than :data:`MIN_SHARED` tasks get no kappa: on fewer tasks its
sampling error is of the order of the statistic itself.

All pairs' tables come from one sparse product: with A the tasks × (annotator, label) indicator,
AᵀA holds every pair's m_ij, and has one entry per co-occurring answer pair, so its size is that of
the answers times their redundancy. Only the :data:`MAX_ANNOTATORS` most active annotators are
paired (the matrix is for reading; fewer when annotators tie at the cut-off, so that the choice
never depends on how ids are spelled).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

from sandbox.aggregation.fast.coding import code_column

#: Pairs sharing fewer tasks than this get no kappa.
MIN_SHARED = 10
#: At most this many annotators (the most active) are paired: at most 60 × 59 / 2 = 1770 pairs.
MAX_ANNOTATORS = 60


def most_active(answers: pd.DataFrame, limit: int = MAX_ANNOTATORS) -> pd.Index:
    """The annotators with more answers than the (``limit`` + 1)-th most active one (all of them
    when there are at most ``limit``), most active first; ties in sorted order of the ids."""
    volume = answers.groupby("worker").size().sort_index()
    volume = volume.iloc[np.argsort(-volume.to_numpy(), kind="stable")]
    if len(volume) > limit:
        volume = volume[volume > volume.iloc[limit]]
    return volume.index


def pair_kappas(
    answers: pd.DataFrame, *, limit: int = MAX_ANNOTATORS, min_shared: int = MIN_SHARED
) -> pd.DataFrame:
    """Every pair of :func:`most_active` annotators: DataFrame with columns ``worker_a``,
    ``worker_b`` (a before b in the activity order), ``shared`` (tasks both answered),
    ``agreement`` (observed p_o) and ``kappa`` (NaN below ``min_shared`` shared tasks, or when
    chance agreement is 1). Pairs that share no task are left out."""
    workers = most_active(answers, limit)
    kept = answers[answers["worker"].isin(workers)].drop_duplicates(["task", "worker"], keep="first")
    columns = ["worker_a", "worker_b", "shared", "agreement", "kappa"]
    if len(workers) < 2 or kept.empty:
        return pd.DataFrame(columns=columns)
    worker_codes = pd.Index(workers).get_indexer(kept["worker"])
    task_codes, _ = code_column(kept["task"], "task")
    label_codes, labels = code_column(kept["label"], "label")
    n_labels = len(labels)
    indicator = sparse.csr_matrix(
        (np.ones(len(kept)), (task_codes, worker_codes * n_labels + label_codes)),
        shape=(int(task_codes.max()) + 1, len(workers) * n_labels),
    )
    product = (indicator.T @ indicator).tocoo()
    a, i = np.divmod(product.row, n_labels)
    b, j = np.divmod(product.col, n_labels)
    upper = a < b
    cells = pd.DataFrame(
        {"a": a[upper], "b": b[upper], "i": i[upper], "j": j[upper], "m": product.data[upper]}
    )
    per_pair = cells.groupby(["a", "b"])["m"].sum().rename("shared")
    same = cells[cells["i"] == cells["j"]].groupby(["a", "b"])["m"].sum()
    rows = cells.groupby(["a", "b", "i"])["m"].sum()
    cols = cells.groupby(["a", "b", "j"])["m"].sum().rename_axis(["a", "b", "i"])
    chance_mass = (rows * cols.reindex(rows.index, fill_value=0.0)).groupby(["a", "b"]).sum()
    table = per_pair.to_frame()
    table["agreement"] = same.reindex(table.index, fill_value=0.0) / table["shared"]
    chance = chance_mass.reindex(table.index, fill_value=0.0) / table["shared"] ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = (table["agreement"] - chance) / (1.0 - chance)
    enough = (table["shared"] >= min_shared) & (chance < 1.0)
    table["kappa"] = kappa.where(enough)
    table = table.reset_index()
    return pd.DataFrame(
        {
            "worker_a": workers.to_numpy()[table["a"].to_numpy()],
            "worker_b": workers.to_numpy()[table["b"].to_numpy()],
            "shared": table["shared"].astype(np.int64).to_numpy(),
            "agreement": table["agreement"].to_numpy(),
            "kappa": table["kappa"].to_numpy(),
        }
    )


def kappa_matrix(pairs: pd.DataFrame, workers: pd.Index) -> pd.DataFrame:
    """The pairs' kappas as a symmetric ``workers`` × ``workers`` matrix (1 on the diagonal, NaN
    where a pair has none)."""
    matrix = pd.DataFrame(np.nan, index=workers, columns=workers)
    for a, b, value in pairs[["worker_a", "worker_b", "kappa"]].itertuples(index=False):
        matrix.loc[a, b] = matrix.loc[b, a] = value
    for worker in workers:
        matrix.loc[worker, worker] = 1.0
    return matrix
