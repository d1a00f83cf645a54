"""Training the learned filter, and measuring it leave-one-conflict-out.

An example is one candidate (monument, state) pair of a labelled article
(``candidates.pair_features``), positive when the article's labels hold the pair. The
filter is a logistic regression with an L2 penalty on the weights (not on the bias),
fitted by Newton's method from all-zero weights in plain Python: the data are a few
hundred pairs of a few dozen features, so no numerical library is needed, and with no
random start, no sampling and the examples in a fixed order the same corpus always
gives the same coefficients.

:func:`leave_one_conflict_out` trains, for each conflict of the corpus, on the
examples of every other conflict, and drafts that conflict's articles with the filter
so trained: no fold is ever scored by a model that saw its articles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from heritage.drafting.article import DraftingError
from heritage.drafting.candidates import PAIR_FEATURES, PairCandidate, pair_features
from heritage.drafting.corpus import Article, Drafter, Report, evaluate
from heritage.drafting.evaluation import Total, expected_pairs, micro_average
from heritage.drafting.learned import LearnedFilter, sigmoid
from heritage.drafting.reading import UnreadableArticle, decode_article

L2 = 1.0
THRESHOLD = 0.5
MAX_STEPS = 50


@dataclass
class Example:
    article: str  # the article's key
    conflict: str
    pair: PairCandidate
    label: bool


def examples_of(articles: list[Article], draft: Drafter, site_slugs: set[str]) -> list[Example]:
    """The candidate pairs of every article, labelled from its label file. *draft* must
    keep the candidates (``draft_article(…, candidates=True)``)."""
    found = []
    for article in sorted(articles, key=lambda a: (a.conflict, a.key)):
        expected = expected_pairs(article.labels)
        try:
            text = decode_article(article.path.read_bytes())
            result = draft(text, article.fallback_date, [])
        except (DraftingError, UnreadableArticle):
            continue
        for pair in pair_features(result.candidates, site_slugs):
            found.append(Example(article.key, article.conflict, pair, pair.pair in expected))
    return found


def fit(
    examples: list[Example],
    *,
    features: tuple[str, ...] = PAIR_FEATURES,
    l2: float = L2,
    threshold: float = THRESHOLD,
) -> LearnedFilter:
    """The logistic regression of the examples' labels on their features."""
    size = len(features) + 1  # the bias last
    rows = [
        [(i, v) for i, name in enumerate(features) if (v := e.pair.features.get(name, 0.0))]
        + [(size - 1, 1.0)]
        for e in examples
    ]
    labels = [1.0 if e.label else 0.0 for e in examples]
    weights = [0.0] * size
    for _ in range(MAX_STEPS):
        gradient = [l2 * w for w in weights]
        gradient[-1] = 0.0
        hessian = [[0.0] * size for _ in range(size)]
        for i in range(size - 1):
            hessian[i][i] = l2
        hessian[-1][-1] = 1e-6
        for row, label in zip(rows, labels, strict=True):
            p = sigmoid(sum(weights[i] * v for i, v in row))
            error, curvature = p - label, p * (1.0 - p)
            for i, v in row:
                gradient[i] += error * v
                for j, u in row:
                    hessian[i][j] += curvature * v * u
        step = _solve(hessian, gradient)
        weights = [w - s for w, s in zip(weights, step, strict=True)]
        if max(abs(s) for s in step) < 1e-9:
            break
    positives = sum(labels)
    return LearnedFilter(
        tuple(features),
        tuple(weights[:-1]),
        weights[-1],
        threshold,
        {
            "articles": len({e.article for e in examples}),
            "conflicts": sorted({e.conflict for e in examples}),
            "pairs": len(examples),
            "positive_pairs": int(positives),
            "l2": l2,
        },
    )


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (the matrix is positive definite)."""
    n = len(vector)
    a = [row[:] + [vector[i]] for i, row in enumerate(matrix)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(a[r][col]))
        a[col], a[pivot] = a[pivot], a[col]
        head = a[col][col]
        for r in range(col + 1, n):
            factor = a[r][col] / head
            if factor:
                for c in range(col, n + 1):
                    a[r][c] -= factor * a[col][c]
    solution = [0.0] * n
    for r in range(n - 1, -1, -1):
        solution[r] = (a[r][n] - sum(a[r][c] * solution[c] for c in range(r + 1, n))) / a[r][r]
    return solution


@dataclass
class Fold:
    conflict: str
    rules: Report  # the rules alone on the conflict's articles
    learned: Report  # the filter trained on the other conflicts
    model: LearnedFilter


@dataclass
class LocoReport:
    folds: list[Fold] = field(default_factory=list)
    # per article key: (labelled pairs among the candidates, labelled pairs, candidates)
    ceiling: dict[str, tuple[int, int, int]] = field(default_factory=dict)

    def candidate_recall(self, keys: set[str] | None = None) -> tuple[int, int, int]:
        """Labelled pairs found among the candidates, labelled pairs, and candidate
        pairs, over the articles *keys* (or all): the recall no filter can pass."""
        rows = [v for k, v in self.ceiling.items() if keys is None or k in keys]
        return tuple(sum(row[i] for row in rows) for i in range(3))

    def total(self, which: str, articles: Callable[[Article], bool] | None = None) -> Total:
        """Micro-average over every fold of ``rules`` or ``learned`` (over the articles
        *articles* accepts, or all)."""
        return micro_average(
            result.score
            for fold in self.folds
            for result in getattr(fold, which).articles
            if articles is None or articles(result.article)
        )


# drafter(model or None for the rules alone, with candidates kept) -> Drafter
DrafterFor = Callable[[LearnedFilter | None], Drafter]


def leave_one_conflict_out(
    articles: list[Article],
    drafter_for: DrafterFor,
    site_slugs: set[str],
    *,
    train: Callable[[list[Example]], LearnedFilter] = fit,
) -> LocoReport:
    """For each conflict: train on the others' examples, draft its articles with the
    filter so trained and with the rules alone, and score both."""
    examples = examples_of(articles, drafter_for(None), site_slugs)
    report = LocoReport()
    for article in articles:
        own = [e for e in examples if e.article == article.key]
        report.ceiling[article.key] = (
            sum(e.label for e in own),
            len(expected_pairs(article.labels)),
            len(own),
        )
    for conflict in sorted({a.conflict for a in articles}):
        model = train([e for e in examples if e.conflict != conflict])
        held = [a for a in articles if a.conflict == conflict]
        report.folds.append(
            Fold(
                conflict,
                evaluate(held, drafter_for(None), site_slugs),
                evaluate(held, drafter_for(model), site_slugs),
                model,
            )
        )
    return report
