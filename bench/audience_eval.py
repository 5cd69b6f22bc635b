"""Evaluate the fake-account classifier across two labelled data sets, and Benford's test.

    .venv/bin/python bench/audience_eval.py [INSTAFAKE_DIR [SRF_DIR]]

Directories come from the arguments, else $INSTAFAKE_DIR / $SRF_DIR, else
../shared/data/instafake/ and ../shared/data/srf/. The data is only read, never copied:
InstaFake (Akyon & Kalfaoglu 2019, CC BY-NC 4.0) and "2017-10-instagram-influencers by SRF Data"
(CC BY-SA 4.0). Prints:

* leave one data set out, both ways: the method of webapp.pipeline.analysis.fake_account
  (logistic regression, L2 = 1.0, Newton's method, written here in pure Python) fitted on one
  set and tested on the other at the module's THRESHOLD: balanced accuracy, precision, recall,
  AUC, and the same figures cross-validated inside the training set. Nothing is chosen on the
  held-out set: the neutral values and weights come from the training set, as do the error rates
  the former adjusted count uses (by 5-fold stratified cross-validation);
* the share error, both ways: random samples of 200 accounts drawn with replacement from the
  held-out set at fake rates 0, 10, ..., 60 %, the fake share estimated as the audience report
  does (the maximum-likelihood mixture share from every account's probability, with its
  interval; webapp.pipeline.analysis.prevalence), and the mean absolute error in points, with
  how often the 95 % interval holds the true rate (at the shipped SLOPE_BAND, and at 1.0 =
  sampling error only and 2.0 for comparison) and its mean width. Beside it the estimate used
  before, adjusted classify-and-count (Forman 2008) with the training set's cross-validated
  error rates. Which of the two ships was decided inside the training sets: the same samples
  drawn from a training set's own cross-validated probabilities (prior shift only) show which
  errs less there;
* the shipped model: the pooled refit against the module's constants and its in-sample
  figures on each set;
* Benford's first-digit test of InstaFake's real accounts' follower counts.

Fake is the positive class. Balanced accuracy = (recall on fakes + recall on reals) / 2. A
data set whose directory is absent is named and skipped; what needs both is skipped too.
"""

from __future__ import annotations

import csv
import json
import math
import os
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import fmean

from webapp.pipeline.analysis.benford import benford_test
from webapp.pipeline.analysis.fake_account import (
    FITTED,
    INTERCEPT,
    THRESHOLD,
    fake_probability,
)
from webapp.pipeline.analysis.prevalence import SLOPE_BAND, fake_share_estimate
from webapp.pipeline.scraping.result import AccountStub

DATA = Path(__file__).resolve().parents[1].parent / "shared/data"
INSTAFAKE_FILES = {"fakeAccountData.json": True, "realAccountData.json": False}
SRF_FILE = "labelled_followers.csv"
FOLDS = 5
L2 = 1.0
SAMPLE = 200  # accounts per simulated follower sample
RATES = tuple(r / 100 for r in range(0, 61, 10))
DRAWS = 200  # samples per rate
BANDS = (1.0, SLOPE_BAND, 2.0)  # slope bands whose interval coverage is shown


@dataclass(frozen=True, slots=True)
class Labelled:
    stub: AccountStub
    fake: bool
    source: str


def to_stub(row: dict[str, int]) -> AccountStub:
    """An InstaFake row as an AccountStub; only lengths and digit counts matter for names."""
    length, digits = row["usernameLength"], row["usernameDigitCount"]
    return AccountStub(
        username="u" * (length - digits) + "7" * digits,
        bio="b" * row["userBiographyLength"],
        followers=row["userFollowerCount"],
        following=row["userFollowingCount"],
        posts=row["userMediaCount"],
        has_profile_pic=bool(row["userHasProfilPic"]),
        private=bool(row["userIsPrivate"]),
    )


def srf_stub(row: dict[str, str]) -> AccountStub:
    """An SRF row as an AccountStub: real usernames, no biography (left empty)."""
    return AccountStub(
        username=row["Username"],
        followers=int(row["Number.of.followers"]),
        following=int(row["Number.of.people.they.follow"]),
        posts=int(row["Number.of.posts"]),
        has_profile_pic=row["has_profile_picture"] == "TRUE",
        private=row["Private.account"] == "TRUE",
    )


def load_instafake(directory: Path) -> list[Labelled] | None:
    rows: list[Labelled] = []
    for name, fake in INSTAFAKE_FILES.items():
        path = directory / name
        if not path.is_file():
            return None
        rows += [Labelled(to_stub(r), fake, "InstaFake") for r in json.loads(path.read_text())]
    return rows


def load_srf(directory: Path) -> list[Labelled] | None:
    path = directory / SRF_FILE
    if not path.is_file():
        return None
    with path.open(newline="", encoding="utf-8") as handle:
        return [Labelled(srf_stub(r), r["rating"] == "TRUE", "SRF") for r in csv.DictReader(handle)]


def raw(stub: AccountStub) -> list[float | None]:
    return [f.value(stub) for f in FITTED]


def neutrals(rows: Sequence[Labelled]) -> list[float]:
    """Per feature: halfway between the class means, averaged over the data sets in rows."""
    out = []
    for i in range(len(FITTED)):
        mids = []
        for source in sorted({r.source for r in rows}):
            means = []
            for cls in (True, False):
                values = [v for r in rows if r.source == source and r.fake is cls
                          if (v := raw(r.stub)[i]) is not None]  # fmt: skip
                means.append(fmean(values))
            mids.append(fmean(means))
        out.append(fmean(mids))
    return out


def centred(stub: AccountStub, neutral: Sequence[float]) -> list[float]:
    # None (not shown) sits at the neutral value, as in fake_account.contributions.
    return [0.0 if v is None else v - n for v, n in zip(raw(stub), neutral, strict=True)]


def cell_weights(rows: Sequence[Labelled]) -> list[float]:
    """Each (data set, class) cell weighs the same in total; the weights average 1."""
    counts: dict[tuple[str, bool], int] = {}
    for r in rows:
        counts[r.source, r.fake] = counts.get((r.source, r.fake), 0) + 1
    return [len(rows) / (len(counts) * counts[r.source, r.fake]) for r in rows]


def solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """Gauss-Jordan elimination with partial pivoting (the small Newton system)."""
    size = len(vector)
    rows = [[*row, v] for row, v in zip(matrix, vector, strict=True)]
    for col in range(size):
        pivot = max(range(col, size), key=lambda r: abs(rows[r][col]))
        rows[col], rows[pivot] = rows[pivot], rows[col]
        for r in range(size):
            if r != col:
                factor = rows[r][col] / rows[col][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[col], strict=True)]
    return [rows[i][size] / rows[i][i] for i in range(size)]


def sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))


def fit(xs: Sequence[list[float]], ys: Sequence[bool], ws: Sequence[float]) -> list[float]:
    """[intercept, *weights] of a row-weighted, L2-penalised logistic regression."""
    design = [[1.0, *x] for x in xs]
    size = len(design[0])
    beta = [0.0] * size
    for _ in range(100):
        gradient = [0.0] * size
        hessian = [[0.0] * size for _ in range(size)]
        for z, y, w in zip(design, ys, ws, strict=True):
            p = sigmoid(sum(b * v for b, v in zip(beta, z, strict=True)))
            for i in range(size):
                gradient[i] += w * (p - y) * z[i]
                for j in range(size):
                    hessian[i][j] += w * p * (1 - p) * z[i] * z[j]
        for i in range(1, size):  # the intercept is not penalised
            gradient[i] += L2 * beta[i]
            hessian[i][i] += L2
        step = solve(hessian, gradient)
        beta = [b - s for b, s in zip(beta, step, strict=True)]
        if max(abs(s) for s in step) < 1e-10:
            break
    return beta


@dataclass(frozen=True, slots=True)
class Model:
    beta: list[float]
    neutral: list[float]

    def probability(self, stub: AccountStub) -> float:
        x = centred(stub, self.neutral)
        return sigmoid(self.beta[0] + sum(b * v for b, v in zip(self.beta[1:], x, strict=True)))


def train(rows: Sequence[Labelled]) -> Model:
    neutral = neutrals(rows)
    xs = [centred(r.stub, neutral) for r in rows]
    return Model(fit(xs, [r.fake for r in rows], cell_weights(rows)), neutral)


@dataclass(frozen=True, slots=True)
class Scores:
    balanced_accuracy: float
    precision: float
    recall: float
    false_positive_rate: float
    auc: float

    def line(self) -> str:
        return (
            f"balanced accuracy {self.balanced_accuracy:.3f}  precision {self.precision:.3f}  "
            f"recall {self.recall:.3f}  FPR {self.false_positive_rate:.3f}  AUC {self.auc:.3f}"
        )


def auc(probabilities: Sequence[float], actual: Sequence[bool]) -> float:
    """Mann-Whitney: the chance a random fake scores above a random real account (ties half)."""
    ranked = sorted(zip(probabilities, actual, strict=True))
    rank_sum, i = 0.0, 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        mid = (i + j + 1) / 2  # average 1-based rank of the tie group
        rank_sum += mid * sum(1 for _, fake in ranked[i:j] if fake)
        i = j
    positives = sum(actual)
    negatives = len(actual) - positives
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def score(probabilities: Sequence[float], actual: Sequence[bool]) -> Scores:
    predicted = [p >= THRESHOLD for p in probabilities]
    pairs = list(zip(predicted, actual, strict=True))
    tp = sum(p and a for p, a in pairs)
    fp = sum(p and not a for p, a in pairs)
    fn = sum(a and not p for p, a in pairs)
    tn = sum(not p and not a for p, a in pairs)
    recall, fpr = tp / (tp + fn), fp / (fp + tn)
    return Scores(
        balanced_accuracy=(recall + 1 - fpr) / 2,
        precision=tp / (tp + fp) if tp + fp else 0.0,
        recall=recall,
        false_positive_rate=fpr,
        auc=auc(probabilities, actual),
    )


def cross_validated(rows: Sequence[Labelled], seed: int = 0) -> list[float]:
    """Each row's probability from the model fitted on the other folds (stratified 5-fold CV,
    strata = (data set, class))."""
    rng = random.Random(seed)
    fold = [0] * len(rows)
    for cell in sorted({(r.source, r.fake) for r in rows}):
        members = [i for i, r in enumerate(rows) if (r.source, r.fake) == cell]
        rng.shuffle(members)
        for position, i in enumerate(members):
            fold[i] = position % FOLDS
    probabilities = [0.0] * len(rows)
    for k in range(FOLDS):
        model = train([r for i, r in enumerate(rows) if fold[i] != k])
        for i, r in enumerate(rows):
            if fold[i] == k:
                probabilities[i] = model.probability(r.stub)
    return probabilities


def adjusted_count(probabilities: Sequence[float], tpr: float, fpr: float) -> float:
    """The estimate used before: (q - FPR) / (TPR - FPR), q the share at THRESHOLD or above."""
    q = sum(p >= THRESHOLD for p in probabilities) / len(probabilities)
    return min(1.0, max(0.0, (q - fpr) / (tpr - fpr)))


@dataclass(frozen=True, slots=True)
class ShareError:
    mae_points: float  # the shipped estimate
    worst_rate: float  # the true rate with the largest mean error
    worst_points: float
    coverage: dict[float, float]  # slope band: share of samples whose interval holds the truth
    width_points: dict[float, float]  # slope band: mean interval width
    before_points: float  # adjusted classify-and-count with the training rates


def share_error(
    probabilities: Sequence[float],
    actual: Sequence[bool],
    rates: tuple[float, float],
    bands: Sequence[float] = BANDS,
    seed: int = 1,
) -> ShareError:
    """Estimate the fake share of random samples of known composition; errors in points.

    rates: (TPR, FPR) for the adjusted count, from the training set."""
    rng = random.Random(seed)
    fakes_p = [p for p, a in zip(probabilities, actual, strict=True) if a]
    reals_p = [p for p, a in zip(probabilities, actual, strict=True) if not a]
    errors: dict[float, list[float]] = {}
    before: list[float] = []
    covered = dict.fromkeys(bands, 0)
    width = dict.fromkeys(bands, 0.0)
    for rate in RATES:
        for _ in range(DRAWS):
            fakes = sum(rng.random() < rate for _ in range(SAMPLE))
            sample = [rng.choice(fakes_p) for _ in range(fakes)]
            sample += [rng.choice(reals_p) for _ in range(SAMPLE - fakes)]
            truth = fakes / SAMPLE
            for band in bands:
                share, (low, high) = fake_share_estimate(sample, band)
                covered[band] += low <= truth <= high
                width[band] += high - low
            errors.setdefault(rate, []).append(abs(share - truth) * 100)
            before.append(abs(adjusted_count(sample, *rates) - truth) * 100)
    worst = max(errors, key=lambda rate: fmean(errors[rate]))
    total = len(before)
    return ShareError(
        mae_points=fmean(e for values in errors.values() for e in values),
        worst_rate=worst,
        worst_points=fmean(errors[worst]),
        coverage={band: covered[band] / total for band in bands},
        width_points={band: width[band] / total * 100 for band in bands},
        before_points=fmean(before),
    )


def rates_at_threshold(
    probabilities: Sequence[float], actual: Sequence[bool]
) -> tuple[float, float]:
    s = score(probabilities, actual)
    return s.recall, s.false_positive_rate


def share_line(error: ShareError) -> str:
    intervals = ", ".join(
        f"{error.coverage[band]:.0%} at slope band {band} (width {error.width_points[band]:.0f})"
        for band in error.coverage
    )
    return (
        f"mixture MAE {error.mae_points:.1f} points (worst {error.worst_points:.1f} at "
        f"{error.worst_rate:.0%}); adjusted count {error.before_points:.1f} points; "
        f"95 % interval covers {intervals}"
    )


def leave_one_out(train_rows: list[Labelled], test_rows: list[Labelled]) -> None:
    name = f"fit on {train_rows[0].source}, test on {test_rows[0].source}"
    model = train(train_rows)
    probabilities = [model.probability(r.stub) for r in test_rows]
    actual = [r.fake for r in test_rows]
    print(f"  {name}: {score(probabilities, actual).line()}")
    # Everything the share estimates take from training data comes from the training set.
    trained = [r.fake for r in train_rows]
    cv = cross_validated(train_rows)
    rates = rates_at_threshold(cv, trained)
    inside = share_error(cv, trained, rates_at_threshold(cross_validated(train_rows, 5), trained),
                         bands=(SLOPE_BAND,))  # fmt: skip
    print(f"    cross-validated inside {train_rows[0].source}: {score(cv, trained).line()}")
    print(
        f"    choice, inside {train_rows[0].source} (cross-validated probabilities): mixture MAE "
        f"{inside.mae_points:.1f} points, adjusted count {inside.before_points:.1f}"
    )
    held_out = share_error(probabilities, actual, rates)
    print(
        f"    fake share of {SAMPLE}-account samples at 0-60 % fakes (training CV TPR "
        f"{rates[0]:.3f}, FPR {rates[1]:.3f}): {share_line(held_out)}"
    )


def shipped(sets: dict[str, list[Labelled]]) -> None:
    pooled = [r for rows in sets.values() for r in rows]
    print(f"shipped model (threshold {THRESHOLD}), in-sample: weights fitted on {' + '.join(sets)}")
    rates = rates_at_threshold(cross_validated(pooled), [r.fake for r in pooled])
    for source, rows in sets.items():
        probabilities = [fake_probability(r.stub) for r in rows]
        actual = [r.fake for r in rows]
        print(f"  on {source}: {score(probabilities, actual).line()}")
        print(f"    fake share: {share_line(share_error(probabilities, actual, rates))}")
        if len(sets) == 1:
            print("  (the other data set is absent: this refit is not the shipped one)")
    model = train(pooled)
    print(f"refit on {' + '.join(sets)}: intercept {model.beta[0]:.4f} (module {INTERCEPT:.4f})")
    for feature, weight, neutral in zip(FITTED, model.beta[1:], model.neutral, strict=True):
        print(
            f"  {feature.name:<22} weight {weight:8.4f} (module {feature.weight:8.4f})  "
            f"neutral {neutral:7.4f} (module {feature.neutral:7.4f})"
        )


def main() -> int:
    args = sys.argv[1:]
    instafake_dir = Path(args[0] if args else os.environ.get("INSTAFAKE_DIR", DATA / "instafake"))
    srf_dir = Path(args[1] if len(args) > 1 else os.environ.get("SRF_DIR", DATA / "srf"))
    sets: dict[str, list[Labelled]] = {}
    for name, directory, loaded in (
        ("InstaFake", instafake_dir, load_instafake(instafake_dir)),
        ("SRF", srf_dir, load_srf(srf_dir)),
    ):
        if loaded is None:
            print(f"{name}: data not found in {directory}; skipped", file=sys.stderr)
            continue
        sets[name] = loaded
        fakes = sum(r.fake for r in loaded)
        print(f"{name}: {fakes} fake, {len(loaded) - fakes} real accounts from {directory}")
    if not sets:
        print("No labelled data: set INSTAFAKE_DIR / SRF_DIR or pass the directories.")
        return 1

    if len(sets) == 2:
        print("leave one data set out (the honest estimate):")
        instafake, srf = sets["InstaFake"], sets["SRF"]
        leave_one_out(instafake, srf)
        leave_one_out(srf, instafake)
    else:
        print("leave one data set out: skipped, it needs both data sets", file=sys.stderr)
    shipped(sets)

    if "InstaFake" in sets:
        real = [r.stub.followers or 0 for r in sets["InstaFake"] if not r.fake]
        test = benford_test([c for c in real if c >= 1])
        print(
            f"Benford, InstaFake real accounts' follower counts: n={test.n} "
            f"chi2={test.statistic:.2f} (8 df) p={test.p_value:.4g}"
        )
        print(
            "  first digit  observed / expected: "
            + "  ".join(f"{d}: {test.observed[d]}/{test.expected[d]:.0f}" for d in range(1, 10))
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
