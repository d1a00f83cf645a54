"""The learned filter: which candidate (monument, state) pairs of an article to keep.

A logistic regression over the features of ``candidates.PAIR_FEATURES`` (what the
rules made of the pair): the score of a pair is ``sigmoid(bias + Σ weight × value)``
and a pair is kept when its score reaches the threshold. The coefficients are a small
JSON file (``model.json`` beside this module), written by ``training`` and read here
without any numerical library::

    {"weights": {"any_rule": 2.1, …}, "bias": -1.3, "threshold": 0.5,
     "trained_on": {"articles": 84, "pairs": 446, …}}

A kept pair becomes the rules' claims for it, or, when the rules dropped it, a claim
drafted from the sentence that reads it best (``candidates.claim_of``).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from heritage.drafting.candidates import Candidate, PairCandidate, claim_of, pair_features
from heritage.drafting.claims import DraftClaim

MODEL_PATH = Path(__file__).with_name("model.json")


class ModelError(ValueError):
    """The model file cannot be read as a learned filter; the message names the file."""


def sigmoid(value: float) -> float:
    if value >= 0:
        return 1.0 / (1.0 + math.exp(-value))
    exp = math.exp(value)
    return exp / (1.0 + exp)


@dataclass
class LearnedFilter:
    features: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float = 0.5
    trained_on: dict = field(default_factory=dict)

    def score(self, features: dict[str, float]) -> float:
        """The probability that a pair with these features is one a curator labels."""
        total = self.bias + sum(
            w * features.get(name, 0.0)
            for name, w in zip(self.features, self.weights, strict=True)
        )
        return sigmoid(total)

    def keeps(self, features: dict[str, float]) -> bool:
        return self.score(features) >= self.threshold

    def select(self, pairs: list[PairCandidate]) -> list[PairCandidate]:
        return [p for p in pairs if self.keeps(p.features)]

    def claims(
        self, candidates: list[Candidate], rule_claims: list[DraftClaim], site_slugs: set[str]
    ) -> list[DraftClaim]:
        """The article's claims: the rules' claims of the kept pairs, in their order,
        then a claim for each kept pair the rules dropped."""
        kept = self.select(pair_features(candidates, site_slugs))
        wanted = {p.pair for p in kept}
        claims = [c for c in rule_claims if (c.monument, c.state) in wanted]
        drafted = {(c.monument, c.state) for c in claims}
        claims += [claim_of(p) for p in kept if p.pair not in drafted]
        return claims

    def as_json(self) -> dict:
        return {
            "weights": {
                name: round(w, 6) for name, w in zip(self.features, self.weights, strict=True)
            },
            "bias": round(self.bias, 6),
            "threshold": self.threshold,
            "trained_on": self.trained_on,
        }


def load_model(path: Path = MODEL_PATH) -> LearnedFilter:
    """The filter stored at *path*; raises ModelError naming the file."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        features = tuple(str(name) for name in data["weights"])
        weights = tuple(float(w) for w in data["weights"].values())
        bias = float(data["bias"])
        threshold = float(data.get("threshold", 0.5))
    except FileNotFoundError:
        raise ModelError(
            f"{path}: no model file; train one with manage.py train_drafting"
        ) from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ModelError(f"{path}: not a learned filter ({exc!r})") from None
    return LearnedFilter(features, weights, bias, threshold, dict(data.get("trained_on", {})))


def save_model(model: LearnedFilter, path: Path = MODEL_PATH) -> None:
    Path(path).write_text(json.dumps(model.as_json(), indent=1) + "\n", encoding="utf-8")
