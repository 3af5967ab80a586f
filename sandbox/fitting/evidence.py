"""Flags that rest on evidence: a binomial test on one annotator's own answers, corrected for testing
many annotators at once, and what a flag carries (count, rate, reference rate, p-value).

Each test counts ``count`` of ``n`` answers (e.g. ties) and asks whether the annotator's rate is
beyond a ``reference`` rate (the crowd's on the same tasks, or a fixed rate such as chance). The
counts are of answers on different tasks, so the count under the null is a Poisson-binomial whose
mean is ``n × reference``; the binomial of that mean has the larger variance, so its tail is the
conservative p-value used here (scipy's binomial distribution; a two-sided p-value doubles the
smaller tail). The p-values of one test run on every annotator are adjusted together by
Benjamini–Hochberg (scipy's ``false_discovery_control``): a flag is raised where the adjusted value
is at most :data:`FALSE_DISCOVERY_RATE`, so that at most that share of the flags of that kind are
expected to be wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.stats import binom, false_discovery_control

#: The expected share of wrong flags a report accepts (Benjamini–Hochberg's q); 5 %, the level
#: conventionally used for one test, here spent on all flags at once.
FALSE_DISCOVERY_RATE = 0.05

Alternative = Literal["greater", "less", "two-sided"]


def binomial_p(
    count: ArrayLike, n: ArrayLike, reference: ArrayLike, alternative: Alternative
) -> NDArray[np.float64]:
    """P-values of ``count`` successes in ``n`` trials against a success rate ``reference``
    (element by element; NaN where ``n`` is 0)."""
    k = np.asarray(count, dtype=float)
    trials = np.asarray(n, dtype=float)
    p = np.clip(np.asarray(reference, dtype=float), 0.0, 1.0)
    upper = binom.sf(k - 1, trials, p)  # P(X >= k)
    lower = binom.cdf(k, trials, p)  # P(X <= k)
    if alternative == "greater":
        value = upper
    elif alternative == "less":
        value = lower
    else:
        value = np.minimum(1.0, 2.0 * np.minimum(upper, lower))
    result: NDArray[np.float64] = np.where(trials > 0, value, np.nan)
    return result


def adjusted(p_values: ArrayLike) -> NDArray[np.float64]:
    """Benjamini–Hochberg adjusted p-values of every test run (NaN where no test was run)."""
    values = np.asarray(p_values, dtype=float)
    out = np.full(values.shape, np.nan)
    run = ~np.isnan(values)
    if run.any():
        out[run] = false_discovery_control(values[run], method="bh")
    return out


@dataclass(frozen=True)
class Evidence:
    """What a flag rests on: ``count`` of ``n`` answers (rate ``rate``) against ``reference`` (the
    rate expected of an annotator who is not what the flag says), and the adjusted ``p_value``."""

    flag: str
    count: int
    n: int
    rate: float
    reference: float
    p_value: float
    what: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "flag": self.flag,
            "count": self.count,
            "n": self.n,
            "rate": self.rate,
            "reference": self.reference,
            "p_value": self.p_value,
            "what": self.what,
        }

    def text(self) -> str:
        """One line: the flag and its evidence."""
        return (
            f"{self.flag}: {self.what} {self.count} of {self.n} ({self.rate:.0%}) against "
            f"{self.reference:.0%} expected (p = {self.p_value:.2g})"
        )
