"""Evaluate the fake-account classifier and Benford's test on the InstaFake fake/real files.

    .venv/bin/python bench/audience_eval.py [path/to/instafake/dir]

The directory comes from the argument, else $INSTAFAKE_DIR, else ../shared/data/instafake/. The
data (CC BY-NC 4.0) is only read, never copied. Prints:

* the shipped classifier (webapp.pipeline.analysis.fake_account) on all 1,194 accounts: these are
  in-sample figures, since its weights were fitted on the same rows;
* stratified 5-fold cross-validation, repeated 10 times with fixed seeds, of the same method
  (balanced-weight logistic regression, L2 = 1.0, Newton's method; written here in pure Python)
  on the same features: the honest estimate;
* the weights that method gives on all rows, to check them against the module's constants;
* Benford's first-digit test of the real accounts' follower counts.

Fake is the positive class. Balanced accuracy = (recall on fakes + recall on reals) / 2.
"""

from __future__ import annotations

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
from webapp.pipeline.scraping.result import AccountStub

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared/data/instafake"
FILES = {"fakeAccountData.json": True, "realAccountData.json": False}
FOLDS = 5
REPEATS = 10
L2 = 1.0


@dataclass(frozen=True, slots=True)
class Labelled:
    stub: AccountStub
    fake: bool


def to_stub(row: dict[str, int]) -> AccountStub:
    """An AccountStub with the row's figures; only lengths and digit counts matter for names."""
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


def load(directory: Path) -> list[Labelled] | None:
    rows: list[Labelled] = []
    for name, fake in FILES.items():
        path = directory / name
        if not path.is_file():
            return None
        rows += [Labelled(to_stub(row), fake) for row in json.loads(path.read_text())]
    return rows


def centred(stub: AccountStub) -> list[float]:
    # InstaFake shows every fitted feature, so no value is None here.
    return [(f.value(stub) or 0.0) - f.neutral for f in FITTED]


def solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """Gauss-Jordan elimination with partial pivoting (the 8x8 Newton system)."""
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


def fit(xs: Sequence[list[float]], ys: Sequence[bool]) -> list[float]:
    """[intercept, *weights] of a balanced-weight, L2-penalised logistic regression."""
    positives = sum(ys)
    class_weight = {True: len(ys) / (2 * positives), False: len(ys) / (2 * (len(ys) - positives))}
    design = [[1.0, *x] for x in xs]
    size = len(design[0])
    beta = [0.0] * size
    for _ in range(100):
        gradient = [0.0] * size
        hessian = [[0.0] * size for _ in range(size)]
        for z, y in zip(design, ys, strict=True):
            p = sigmoid(sum(b * v for b, v in zip(beta, z, strict=True)))
            w = class_weight[y]
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
class Scores:
    balanced_accuracy: float
    precision: float
    recall: float

    def line(self) -> str:
        return (
            f"balanced accuracy {self.balanced_accuracy:.3f}  precision {self.precision:.3f}  "
            f"recall {self.recall:.3f}"
        )


def score(predicted: Sequence[bool], actual: Sequence[bool]) -> Scores:
    pairs = list(zip(predicted, actual, strict=True))
    tp = sum(p and a for p, a in pairs)
    fp = sum(p and not a for p, a in pairs)
    fn = sum(a and not p for p, a in pairs)
    tn = sum(not p and not a for p, a in pairs)
    recall = tp / (tp + fn)
    return Scores(
        balanced_accuracy=(recall + tn / (tn + fp)) / 2,
        precision=tp / (tp + fp) if tp + fp else 0.0,
        recall=recall,
    )


def stratified_folds(labels: Sequence[bool], seed: int) -> list[int]:
    """Fold number per row; each class is shuffled and dealt round the folds separately."""
    rng = random.Random(seed)
    fold = [0] * len(labels)
    for cls in (True, False):
        members = [i for i, label in enumerate(labels) if label is cls]
        rng.shuffle(members)
        for position, i in enumerate(members):
            fold[i] = position % FOLDS
    return fold


def cross_validate(xs: list[list[float]], ys: list[bool]) -> list[Scores]:
    results = []
    for seed in range(REPEATS):
        fold = stratified_folds(ys, seed)
        predicted = [False] * len(ys)
        for k in range(FOLDS):
            train = [i for i in range(len(ys)) if fold[i] != k]
            beta = fit([xs[i] for i in train], [ys[i] for i in train])
            for i in range(len(ys)):
                if fold[i] == k:
                    z = beta[0] + sum(b * v for b, v in zip(beta[1:], xs[i], strict=True))
                    predicted[i] = sigmoid(z) >= THRESHOLD
        results.append(score(predicted, ys))
    return results


def main() -> int:
    if len(sys.argv) > 1:
        directory = Path(sys.argv[1])
    else:
        directory = Path(os.environ.get("INSTAFAKE_DIR", DEFAULT))
    rows = load(directory)
    if rows is None:
        print(
            f"InstaFake files not found in {directory} (need {' and '.join(FILES)}). Get the "
            "data set (see ../shared/data/instafake/README.md), set INSTAFAKE_DIR or pass the "
            "directory.",
            file=sys.stderr,
        )
        return 1
    ys = [row.fake for row in rows]
    print(f"InstaFake: {sum(ys)} fake, {len(ys) - sum(ys)} real accounts from {directory}")

    shipped = score([fake_probability(row.stub) >= THRESHOLD for row in rows], ys)
    print(f"shipped model, in-sample (threshold {THRESHOLD}): {shipped.line()}")

    xs = [centred(row.stub) for row in rows]
    folds = cross_validate(xs, ys)
    bal = [s.balanced_accuracy for s in folds]
    print(
        f"{FOLDS}-fold stratified CV x {REPEATS}: balanced accuracy {fmean(bal):.3f} "
        f"(min {min(bal):.3f}, max {max(bal):.3f})  precision "
        f"{fmean(s.precision for s in folds):.3f}  recall {fmean(s.recall for s in folds):.3f}"
    )

    beta = fit(xs, ys)
    print(f"refit on all rows: intercept {beta[0]:.4f} (module {INTERCEPT:.4f})")
    for feature, weight in zip(FITTED, beta[1:], strict=True):
        print(f"  {feature.name:<22} weight {weight:8.4f} (module {feature.weight:8.4f})")
    print("neutral values (halfway between the class means):")
    for feature in FITTED:
        means = [
            fmean(feature.value(row.stub) or 0.0 for row in rows if row.fake is cls)
            for cls in (True, False)
        ]
        print(f"  {feature.name:<22} {fmean(means):.4f} (module {feature.neutral:.4f})")

    real = [row.stub.followers or 0 for row in rows if not row.fake]
    test = benford_test([c for c in real if c >= 1])
    print(
        f"Benford, real accounts' follower counts: n={test.n} chi2={test.statistic:.2f} "
        f"(8 df) p={test.p_value:.4g}"
    )
    print(
        "  first digit  observed / expected: "
        + "  ".join(f"{d}: {test.observed[d]}/{test.expected[d]:.0f}" for d in range(1, 10))
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
