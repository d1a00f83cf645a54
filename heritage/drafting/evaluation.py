"""Precision and recall of drafted (monument, state) pairs against curators' labels.

Each article counts a pair once however many claims make it. Figures are
micro-averaged: true and false positives and negatives are summed over the articles
before dividing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

Pair = tuple[str, str]


@dataclass
class Score:
    name: str = ""
    found: set[Pair] = field(default_factory=set)
    expected: set[Pair] = field(default_factory=set)

    @property
    def true_positives(self) -> int:
        return len(self.found & self.expected)

    @property
    def false_positives(self) -> int:
        return len(self.found - self.expected)

    @property
    def false_negatives(self) -> int:
        return len(self.expected - self.found)

    @property
    def precision(self) -> float:
        return _ratio(self.true_positives, self.true_positives + self.false_positives)

    @property
    def recall(self) -> float:
        return _ratio(self.true_positives, self.true_positives + self.false_negatives)


@dataclass
class Total:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    articles: int = 0

    @property
    def precision(self) -> float:
        return _ratio(self.true_positives, self.true_positives + self.false_positives)

    @property
    def recall(self) -> float:
        return _ratio(self.true_positives, self.true_positives + self.false_negatives)


def _ratio(part: int, whole: int) -> float:
    # Nothing found and nothing expected is perfect agreement.
    return part / whole if whole else 1.0


def score(name: str, found: Iterable[Pair], expected: Iterable[Pair]) -> Score:
    return Score(name, set(found), set(expected))


def micro_average(scores: Iterable[Score]) -> Total:
    total = Total()
    for s in scores:
        total.true_positives += s.true_positives
        total.false_positives += s.false_positives
        total.false_negatives += s.false_negatives
        total.articles += 1
    return total


def expected_pairs(labels: dict) -> set[Pair]:
    """The (monument, state) pairs of a label file: {"claims": [{"monument", "state"}…]}."""
    return {(claim["monument"], claim["state"]) for claim in labels.get("claims", [])}
