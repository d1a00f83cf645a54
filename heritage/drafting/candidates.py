"""Candidate (monument, state) pairs of an article, with what the rules made of them.

The rules (``claims``) keep a claim only when every rule agrees; a candidate is any
(monument, state) pair the rules considered in a sentence, kept or dropped: each
lexicon match (``states.raw_cues``) of a sentence paired with each monument the
sentence names (or, when it names none, with the monuments of the sentence before),
the headline's matches with the monuments it names, and the claims the rules kept.
Each candidate carries features: the rules that kept or dropped it (modality, a fear
or hope, a negation, attributive use, a condition, a question, a history), how the
monument was found (named, inferred, site-level, from the sentence before), where it
stands in the sentence against the state wording, and the wording's own state.

:func:`pair_features` gathers an article's candidates into one feature vector per
(monument, state) pair, the unit that drafting is scored on and that
``learned`` weighs.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from heritage.drafting import evaluation, states
from heritage.drafting.claims import (
    REPORTED,
    UNATTRIBUTED,
    DraftClaim,
    clauses,
    own_voice,
)
from heritage.drafting.places import Mention

STATES = (
    states.INTACT,
    states.DAMAGED,
    states.SEVERELY_DAMAGED,
    states.DESTROYED,
    states.RESTORED,
)
SEVERITY = {states.DAMAGED: 1, states.SEVERELY_DAMAGED: 2, states.DESTROYED: 3}
_WORD = re.compile(r"\w+")
_ERA = re.compile(
    r"\b(?P<year>1[0-9]{3}|20[0-9]{2})(?:s|['’]s)?\b|\b\d{1,2}(?:st|nd|rd|th)[\s-]+century\b",
    re.IGNORECASE,
)

# The features of one candidate: 1.0 when the trait holds, else 0.0 (``near`` and
# ``lede`` are between 0 and 1).
CANDIDATE_FEATURES = (
    "rule",  # the rules kept this pair in this sentence
    "rule_other_state",  # the rules kept this monument with another state here
    "lexicon_same",  # the wording's own state is this state
    "negated_to",  # a denied damage read as intact
    "variant",  # another damage state than the wording's (a part, a share)
    "milder",  # a milder damage state than the wording's
    "modal",
    "attitude",
    "attributive",
    "negated",
    "qualified",
    "condition",
    "question",
    "habitual",
    "before_event",
    "era",  # the sentence names a year more than two years before the publication
    "stative",
    "same_clause",
    "cue_after",  # the wording follows the monument's name
    "near",  # 1 / (1 + words between name and wording / 4)
    "named",
    "inferred",
    "neighbour",  # the monument is named in the sentence before only
    "site_level",
    "locative",
    "share",
    "others",  # another monument is named in the sentence
    "headline",
    "lede",  # 1 in the first sentence, falling with the sentence's place
    "own_voice",
    "history",  # the rules read the claim as history
    "part",  # the rules read damage to a part or a share
)


@dataclass
class Candidate:
    """One reading of a (monument, state) pair in one sentence (-1: the headline)."""

    monument: str
    state: str
    sentence: int
    excerpt: str
    features: dict[str, float] = field(default_factory=dict)
    claim: DraftClaim | None = None  # the rules' claim, when they kept it
    mention: Mention | None = None

    def merge(self, other: Candidate) -> None:
        for name, value in other.features.items():
            self.features[name] = max(self.features.get(name, 0.0), value)
        self.claim = self.claim or other.claim
        self.mention = self.mention or other.mention


def sentence_candidates(
    sentence: str,
    index: int,
    *,
    mentions: list[Mention],
    previous: list[Mention],
    kept: list[DraftClaim],
    published_year: int,
    headline: bool = False,
) -> list[Candidate]:
    """The candidates of one sentence: *mentions* are its monuments, *previous* those
    of the sentence before, *kept* the claims the rules drafted from it."""
    found: dict[tuple[str, str], Candidate] = {}

    def add(candidate: Candidate) -> None:
        key = (candidate.monument, candidate.state)
        if key in found:
            found[key].merge(candidate)
        else:
            found[key] = candidate

    common = {
        "question": float(states.is_question(sentence)),
        "habitual": float(bool(states.HABITUAL.search(sentence))),
        "before_event": float(states.is_before_the_event(sentence)),
        "era": float(_earlier_era(sentence, published_year)),
        "headline": float(headline),
        "lede": 0.0 if headline else 1.0 / (1.0 + index),
        "own_voice": float(own_voice(sentence)),
    }
    kept_states: dict[str, set[str]] = {}
    for claim in kept:
        kept_states.setdefault(claim.monument, set()).add(claim.state)
    own = list(mentions)
    targets = own or previous
    parts = clauses(sentence)
    hypothetical = states.hypothetical_clauses([clause.text for clause in parts])
    for number, clause in enumerate(parts):
        starts = frozenset(
            m.start - clause.start for m in own if clause.start <= m.start < clause.end
        )
        for cue in states.raw_cues(clause.text, mention_starts=starts):
            proposed = {s for s in (cue.lexicon, cue.state) if s}
            if cue.negated and cue.if_negated:
                proposed.add(cue.if_negated)
            if cue.lexicon in SEVERITY:
                # A part, a share or a milder reading of the same wording.
                proposed |= set(SEVERITY)
            for mention in targets:
                for state in proposed:
                    features = dict(common)
                    features.update(
                        lexicon_same=float(state == cue.lexicon),
                        variant=float(state not in {cue.lexicon, cue.state, cue.if_negated}),
                        milder=float(SEVERITY.get(state, 0) < SEVERITY.get(cue.lexicon or "", 0)),
                        negated_to=float(cue.negated and state == cue.if_negated),
                        modal=float(cue.modal),
                        attitude=float(cue.attitude),
                        attributive=float(cue.attributive),
                        negated=float(cue.negated),
                        qualified=float(cue.qualified),
                        condition=float(number in hypothetical),
                        stative=float(cue.stative),
                        **_position(sentence, clause.start, cue, mention, own),
                    )
                    for slug in mention.slugs:
                        add(_candidate(slug, state, index, sentence, features, kept_states))
                        found[(slug, state)].mention = found[(slug, state)].mention or mention
    for claim in kept:
        features = dict(common)
        features.update(
            rule=1.0,
            lexicon_same=1.0,
            named=float(not claim.inferred),
            inferred=float(claim.inferred),
            neighbour=float(evaluation.NEIGHBOUR in claim.readings),
            history=float(evaluation.HISTORY in claim.readings),
            part=float(evaluation.INTACT_PARTIAL in claim.readings),
            rule_other_state=float(len(kept_states[claim.monument]) > 1),
        )
        candidate = Candidate(claim.monument, claim.state, index, claim.excerpt, features, claim)
        add(candidate)
    return list(found.values())


def _candidate(
    slug: str,
    state: str,
    index: int,
    sentence: str,
    features: dict[str, float],
    kept_states: dict[str, set[str]],
) -> Candidate:
    features = dict(features)
    here = kept_states.get(slug, set())
    features["rule"] = float(state in here)
    features["rule_other_state"] = float(bool(here - {state}))
    return Candidate(slug, state, index, sentence, features)


def _position(
    sentence: str, clause_start: int, cue: states.RawCue, mention: Mention, own: list[Mention]
) -> dict[str, float]:
    inside = any(mention is m for m in own)
    cue_start, cue_end = clause_start + cue.start, clause_start + cue.end
    if inside:
        if mention.end <= cue_start:
            gap = sentence[mention.end : cue_start]
        else:
            gap = sentence[cue_end : mention.start] if mention.start >= cue_end else ""
        words = len(_WORD.findall(gap))
        same_clause = not re.search(r"[,;:—–]", gap)
        near = 1.0 / (1.0 + words / 4.0)
    else:
        words, same_clause, near = 0, False, 0.0
    return {
        "same_clause": float(inside and same_clause),
        "cue_after": float(inside and mention.end <= cue_start),
        "near": near,
        "named": float(mention.how in {"name", "member"}),
        "inferred": float(mention.inferred),
        "neighbour": float(not inside),
        "site_level": float(mention.site_level),
        "locative": float(mention.locative),
        "share": float(mention.share is not None),
        "others": float(len({m.slugs for m in own}) > 1),
    }


def _earlier_era(sentence: str, published_year: int) -> bool:
    for match in _ERA.finditer(sentence):
        year = match.group("year")
        if year is None or int(year) < published_year - 2:
            return True
    return False


# --- one feature vector per pair of the article ----------------------------------------

# Per pair: the largest value of each candidate feature over its readings (``any_…``),
# the smallest (``all_…``: every reading has the trait), and the pair's standing against
# the other states of its monument.
PAIR_FEATURES = (
    *(f"any_{name}" for name in CANDIDATE_FEATURES),
    *(f"all_{name}" for name in CANDIDATE_FEATURES if name not in {"rule", "lexicon_same"}),
    "readings",  # log(1 + sentences reading the pair)
    "rule_sentences",  # log(1 + sentences the rules kept it in)
    *(f"state_{state}" for state in STATES),
    "rule_worse",  # the rules kept a more severe damage state for the monument
    "rule_milder",  # the rules kept a milder damage state for the monument
    "rule_elsewhere",  # the rules kept another state of the monument in the article
    "site_in_article",  # the rules kept a claim on a monument, and this is a site
)


@dataclass
class PairCandidate:
    monument: str
    state: str
    features: dict[str, float]
    candidates: list[Candidate]

    @property
    def pair(self) -> tuple[str, str]:
        return (self.monument, self.state)


def pair_features(candidates: list[Candidate], site_slugs: set[str]) -> list[PairCandidate]:
    """The article's candidates gathered per (monument, state), with their features."""
    groups: dict[tuple[str, str], list[Candidate]] = {}
    for candidate in candidates:
        groups.setdefault((candidate.monument, candidate.state), []).append(candidate)
    kept: dict[str, set[str]] = {}
    for (monument, state), group in groups.items():
        if any(c.features.get("rule") for c in group):
            kept.setdefault(monument, set()).add(state)
    any_monument_kept = any(slug not in site_slugs for slug in kept)
    pairs = []
    for (monument, state), group in sorted(groups.items()):
        features: dict[str, float] = {}
        for name in CANDIDATE_FEATURES:
            values = [c.features.get(name, 0.0) for c in group]
            features[f"any_{name}"] = max(values)
            if name not in {"rule", "lexicon_same"}:
                features[f"all_{name}"] = min(values)
        sentences = {c.sentence for c in group}
        features["readings"] = math.log1p(len(sentences))
        features["rule_sentences"] = math.log1p(
            len({c.sentence for c in group if c.features.get("rule")})
        )
        for each in STATES:
            features[f"state_{each}"] = float(state == each)
        others = kept.get(monument, set()) - {state}
        level = SEVERITY.get(state)
        features["rule_worse"] = float(
            level is not None and any(SEVERITY.get(o, 0) > level for o in others)
        )
        features["rule_milder"] = float(
            level is not None and any(0 < SEVERITY.get(o, 0) < level for o in others)
        )
        features["rule_elsewhere"] = float(bool(others))
        features["site_in_article"] = float(monument in site_slugs and any_monument_kept)
        pairs.append(PairCandidate(monument, state, features, group))
    return pairs


def claim_of(pair: PairCandidate) -> DraftClaim:
    """The claim a kept pair becomes: the rules' claim when they drafted one, else one
    drafted from the sentence that reads the pair best (its excerpt a verbatim slice)."""
    for candidate in pair.candidates:
        if candidate.claim is not None:
            return candidate.claim
    best = max(
        pair.candidates,
        key=lambda c: (c.features.get("same_clause", 0.0), c.features.get("near", 0.0)),
    )
    mention = best.mention
    inferred = bool(mention and mention.inferred) or bool(best.features.get("neighbour"))
    note = ""
    if inferred:
        note = (mention.note if mention and mention.note else "") or (
            "Read by the learned filter from a sentence that names the monument only indirectly."
        )
    return DraftClaim(
        monument=pair.monument,
        state=pair.state,
        excerpt=best.excerpt[:1000],
        evidence=REPORTED if own_voice(best.excerpt) else UNATTRIBUTED,
        quantity=mention.quantity if mention else None,
        inferred=inferred,
        inference_note=note,
        readings=("learned",),
    )
