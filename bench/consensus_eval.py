"""Compare the consensus engine with plain majority vote.

Usage::

    .venv/bin/python bench/consensus_eval.py [--seed N] [--monuments N]

Two evaluations:

(a) The seed fixtures, loaded into an in-memory SQLite registry. There is no ground
    truth for them, so the table shows what each method says per monument and how
    often the two disagree.
(b) A synthetic registry with a known true state history per monument, sources of
    known (hidden) accuracy, wire stories republished by several outlets, and stale
    claims. Both methods are scored on the present state and on the state at a
    mid date (the engine with ``as_of``, majority vote over the claims observed by
    then).

Deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import os
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from heritage import consensus  # noqa: E402  (pure module: no Django needed)
from heritage.consensus import (  # noqa: E402
    DAMAGED,
    DESTROYED,
    INTACT,
    RESTORED,
    SEVERELY_DAMAGED,
    UNKNOWN,
    Claim,
)

FIXTURES = ROOT / "fixtures"
GAZETTEER = FIXTURES / "gazetteer.json"

START = datetime.date(2014, 1, 1)
END = datetime.date(2020, 12, 31)
MID = datetime.date(2017, 6, 30)


# --- Output helpers -----------------------------------------------------------------


def markdown_table(headers: list[str], rows: list[list[object]]) -> str:
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"

    out = [line(cells[0]), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out.extend(line(r) for r in cells[1:])
    return "\n".join(out)


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "n/a"


# --- (a) Seed fixtures --------------------------------------------------------------


def seed_fixture_paths() -> list[Path]:
    return [GAZETTEER, *sorted((FIXTURES / "articles").glob("*.json"))]


def evaluate_seed_fixtures() -> None:
    os.environ["DATABASE_URL"] = "sqlite://:memory:"
    os.environ["DJANGO_SETTINGS_MODULE"] = "registry.settings.dev"
    import django

    django.setup()
    from django.core.management import call_command

    from heritage import services
    from heritage.models import Monument

    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("bench", "bench@localhost", None)
    call_command("loaddata", *map(str, seed_fixture_paths()), accept_as="bench", verbosity=0)

    monuments = {m.pk: m for m in Monument.objects.order_by("slug")}
    claims, groups = services.engine_inputs(monuments)
    rows = []
    disagree = 0
    for pk, monument in monuments.items():
        mine = claims.get(pk, [])
        if not mine:
            continue
        group = groups.get(pk)
        result = consensus.compute(mine, group=group)
        # Majority vote reads a claim about some members of a group as the engine does.
        size = group.size if group else None
        majority = consensus.majority_vote(
            [
                dataclasses.replace(
                    c, state=consensus.group_claim_state(c.state, c.quantity, size)
                )
                if group
                else c
                for c in mine
            ]
        )
        same = result.state == majority
        disagree += not same
        rows.append(
            [
                monument.slug,
                len(mine),
                result.state,
                f"{result.confidence:.2f}",
                result.independent_origins,
                "yes" if result.contested else "no",
                majority,
                "yes" if same else "NO",
            ]
        )
    print("## (a) Seed fixtures (no ground truth)\n")
    print(
        markdown_table(
            [
                "monument",
                "claims",
                "engine state",
                "confidence",
                "origins",
                "contested",
                "majority state",
                "agree",
            ],
            rows,
        )
    )
    print(
        f"\nMonuments with claims: {len(rows)}; "
        f"the engine and majority vote disagree on {disagree}.\n"
    )


# --- (b) Synthetic registry with known truth ----------------------------------------

# Hidden probability that a claim resting on this kind of evidence is right.
ACCURACY = {
    "eyewitness": 0.90,
    "imagery": 0.90,
    "official": 0.80,
    "monitoring_group": 0.70,
    "unattributed": 0.55,
}
# What the registry knows of an outlet: the default reliability of its kind, not
# how accurate its claims really are.
OUTLET_RELIABILITY = {
    "news_agency": 0.8,
    "newspaper": 0.6,
    "broadcaster": 0.6,
    "state_media": 0.4,
    "monitoring_group": 0.7,
    "heritage_authority": 0.8,
    "unnamed": 0.5,
}
# Which outlets report independently, and what their claims rest on.
OUTLET_KINDS = [
    ("newspaper", 0.35),
    ("broadcaster", 0.10),
    ("state_media", 0.08),
    ("monitoring_group", 0.15),
    ("heritage_authority", 0.07),
    ("unnamed", 0.25),
]
EVIDENCE_BY_OUTLET = {
    "news_agency": [
        ("eyewitness", 0.25),
        ("official", 0.35),
        ("monitoring_group", 0.2),
        ("unattributed", 0.2),
    ],
    "newspaper": [
        ("eyewitness", 0.2),
        ("official", 0.25),
        ("monitoring_group", 0.15),
        ("unattributed", 0.4),
    ],
    "broadcaster": [
        ("eyewitness", 0.3),
        ("official", 0.3),
        ("monitoring_group", 0.1),
        ("unattributed", 0.3),
    ],
    "state_media": [("official", 0.6), ("unattributed", 0.4)],
    "monitoring_group": [("monitoring_group", 0.5), ("imagery", 0.3), ("eyewitness", 0.2)],
    "heritage_authority": [("official", 0.8), ("imagery", 0.2)],
    "unnamed": [("unattributed", 0.7), ("eyewitness", 0.15), ("official", 0.15)],
}
AGENCIES = ["afp", "reuters", "ap"]
# Outlets republishing a wire story, with the reliability they carry on their own.
REPUBLISHERS = [("newspaper", 0.7), ("broadcaster", 0.2), ("state_media", 0.1)]

LEVEL = {INTACT: 0, DAMAGED: 1, SEVERELY_DAMAGED: 2, DESTROYED: 3}
# A wrong claim names a state one step away most of the time, else a farther one.
NEAR_ERROR = 0.75
# Share of wrong claims that exaggerate when they can (both directions are possible).
EXAGGERATE = 0.6


def pick(rng: random.Random, weighted: list[tuple[str, float]]) -> str:
    values = [value for value, _ in weighted]
    weights = [weight for _, weight in weighted]
    return rng.choices(values, weights=weights)[0]


def random_day(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@dataclass
class Monument:
    id: int
    history: list[tuple[datetime.date, str]]  # change points, oldest first
    claims: list[Claim]

    def truth_at(self, day: datetime.date) -> str:
        state = self.history[0][1]
        for when, value in self.history:
            if when <= day:
                state = value
        return state

    @property
    def ever_damaged(self) -> bool:
        return len(self.history) > 1


def true_history(rng: random.Random) -> list[tuple[datetime.date, str]]:
    """Intact from the start; maybe damaged, maybe worse later, maybe restored."""
    history = [(START, INTACT)]
    if rng.random() >= 0.6:
        return history
    level = pick(rng, [(DAMAGED, 0.4), (SEVERELY_DAMAGED, 0.3), (DESTROYED, 0.3)])
    when = random_day(rng, START + days(60), END - days(180))
    history.append((when, level))
    ladder = [DAMAGED, SEVERELY_DAMAGED, DESTROYED]
    if level != DESTROYED and rng.random() < 0.2:
        worse = rng.choice(ladder[ladder.index(level) + 1 :])
        when = random_day(rng, when + days(30), min(when + days(720), END - days(90)))
        history.append((when, worse))
        level = worse
    restore_chance = 0.1 if level == DESTROYED else 0.35
    if rng.random() < restore_chance and when + days(365) < END - days(30):
        history.append((random_day(rng, when + days(365), END - days(30)), RESTORED))
    return history


def wrong_state(rng: random.Random, truth: str, ever_damaged: bool) -> str:
    """A state other than *truth*: usually one step away, sometimes farther."""
    choices = [INTACT, DAMAGED, SEVERELY_DAMAGED, DESTROYED]
    if ever_damaged and truth != RESTORED:
        choices.append(RESTORED)
    choices = [s for s in choices if s != truth]
    near = [s for s in choices if consensus.distance(s, truth) == 1]
    far = [s for s in choices if consensus.distance(s, truth) >= 2]
    pool = near if (rng.random() < NEAR_ERROR or not far) else far
    if truth != RESTORED:
        level = LEVEL[truth]
        worse = [s for s in pool if s != RESTORED and LEVEL[s] > level]
        better = [s for s in pool if s not in worse]
        if worse and better:
            pool = worse if rng.random() < EXAGGERATE else better
    return rng.choice(sorted(pool))


class Generator:
    """Builds monuments and the claims published about them."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.next_claim = 1
        self.next_source = 1
        # Ids of the claims that misreport the state at their observation date, of
        # the claims carried by wire stories, and of the stale claims.
        self.wrong: set[int] = set()
        self.wire: set[int] = set()
        self.stale: set[int] = set()

    def source_key(self, prefix: str) -> str:
        key = f"{prefix}-{self.next_source:06d}"
        self.next_source += 1
        return key

    def observation(self, monument: Monument) -> datetime.date:
        """When a claim's observation ends: often soon after a change, else any time."""
        rng = self.rng
        changes = [when for when, _ in monument.history[1:]]
        if changes and rng.random() < 0.5:
            return min(END, rng.choice(changes) + days(rng.randint(0, 90)))
        return random_day(rng, START, END)

    def observed_state(self, monument: Monument, seen: datetime.date, evidence: str) -> str:
        truth = monument.truth_at(seen)
        if self.rng.random() < ACCURACY[evidence]:
            return truth
        return wrong_state(self.rng, truth, monument.ever_damaged)

    def dates(
        self, seen: datetime.date, *, stale: bool
    ) -> tuple[datetime.date | None, datetime.date | None, datetime.date]:
        """(observed_from, observed_to, published_on) for an observation ending *seen*."""
        rng = self.rng
        if stale:
            # Old news in a later article: dated vaguely, published long after.
            observed_from = seen - days(rng.randint(0, 180))
            return observed_from, seen, seen + days(rng.randint(120, 720))
        published = seen + days(min(int(rng.expovariate(1 / 5)), 60))
        roll = rng.random()
        if roll < 0.10:  # undated: the engine can only read the publication date
            return None, None, published
        if roll < 0.60:
            return seen, None, published
        return seen - days(rng.randint(1, 20)), seen, published

    def claim(self, **fields) -> Claim:
        claim = Claim(id=self.next_claim, **fields)
        self.next_claim += 1
        return claim

    def independent_claim(self, monument: Monument) -> Claim:
        rng = self.rng
        outlet = pick(rng, OUTLET_KINDS)
        evidence = pick(rng, EVIDENCE_BY_OUTLET[outlet])
        seen = self.observation(monument)
        stale = rng.random() < 0.12
        observed_from, observed_to, published = self.dates(seen, stale=stale)
        state = self.observed_state(monument, seen, evidence)
        claim = self.claim(
            state=state,
            evidence=evidence,
            source_key=self.source_key(outlet),
            published_on=published,
            reliability=OUTLET_RELIABILITY[outlet],
            observed_from=observed_from,
            observed_to=observed_to,
            inferred=rng.random() < 0.1,
        )
        if state != monument.truth_at(seen):
            self.wrong.add(claim.id)
        if stale:
            self.stale.add(claim.id)
        return claim

    def wire_cluster(self, monument: Monument) -> list[Claim]:
        """An agency story and its republications: one observation, many claims."""
        rng = self.rng
        agency = rng.choice(AGENCIES)
        story = f"{agency}-story-{self.next_source:06d}"
        evidence = pick(rng, EVIDENCE_BY_OUTLET["news_agency"])
        seen = self.observation(monument)
        state = self.observed_state(monument, seen, evidence)
        wrong = state != monument.truth_at(seen)
        observed_from, observed_to, published = self.dates(seen, stale=False)
        inferred = rng.random() < 0.1
        copies = rng.randint(2, 6)
        claims = []
        if rng.random() < 0.5:  # the agency's own copy is in the registry too
            claims.append(
                self.claim(
                    state=state,
                    evidence=evidence,
                    source_key=self.source_key(agency),
                    published_on=published,
                    reliability=OUTLET_RELIABILITY["news_agency"],
                    observed_from=observed_from,
                    observed_to=observed_to,
                    wire_credits=frozenset({agency}),
                    wire_story=story,
                    inferred=inferred,
                )
            )
        for _ in range(copies):
            outlet = pick(rng, REPUBLISHERS)
            roll = rng.random()
            if roll < 0.15:
                # "With agency inputs": the agency is not named, nothing links the copy.
                credits, story_key = frozenset(), ""
                reliability = max(OUTLET_RELIABILITY[outlet], OUTLET_RELIABILITY["unnamed"])
            else:
                credits = frozenset({agency})
                story_key = story if roll < 0.75 else ""  # some copies lose the slug
                reliability = max(OUTLET_RELIABILITY[outlet], OUTLET_RELIABILITY["news_agency"])
            claims.append(
                self.claim(
                    state=state,
                    evidence=evidence,
                    source_key=self.source_key(outlet),
                    published_on=published + days(rng.randint(0, 2)),
                    reliability=reliability,
                    observed_from=observed_from,
                    observed_to=observed_to,
                    wire_credits=credits,
                    wire_story=story_key,
                    inferred=inferred,
                )
            )
        self.wire.update(c.id for c in claims)
        if wrong:
            self.wrong.update(c.id for c in claims)
        return claims

    def copied_claim(self, monument: Monument, original: Claim) -> Claim:
        """A later article that copies passages of another outlet's article."""
        copy = self.claim(
            state=original.state,
            evidence=original.evidence,
            source_key=self.source_key("newspaper"),
            published_on=original.published_on + days(self.rng.randint(1, 10)),
            reliability=OUTLET_RELIABILITY["newspaper"],
            observed_from=original.observed_from,
            observed_to=original.observed_to,
            copies_from=frozenset({original.source_key}),
            inferred=original.inferred,
        )
        if original.id in self.wrong:
            self.wrong.add(copy.id)
        return copy

    def monument(self, monument_id: int) -> Monument:
        rng = self.rng
        monument = Monument(monument_id, true_history(rng), [])
        for _ in range(rng.randint(1, 6)):
            claim = self.independent_claim(monument)
            monument.claims.append(claim)
            if rng.random() < 0.1:
                monument.claims.append(self.copied_claim(monument, claim))
        clusters = pick(rng, [("0", 0.35), ("1", 0.4), ("2", 0.2), ("3", 0.05)])
        for _ in range(int(clusters)):
            monument.claims.extend(self.wire_cluster(monument))
        return monument


@dataclass
class Score:
    evaluated: int = 0
    exact: int = 0
    near: int = 0
    contested: int = 0
    contested_wrong: int = 0
    wrong: int = 0
    # Why the engine was wrong (counted for the engine only).
    superseded_truth: int = 0
    no_evidence: int = 0

    def add(self, truth: str, state: str, contested: bool = False) -> None:
        self.evaluated += 1
        hit = state == truth
        self.exact += hit
        self.wrong += not hit
        self.near += state != UNKNOWN and consensus.distance(state, truth) <= 1
        self.contested += contested
        self.contested_wrong += contested and not hit


def explain_miss(
    score: Score,
    monument: Monument,
    in_play: list[Claim],
    result: consensus.Consensus,
    day: datetime.date,
) -> None:
    """Sort an engine miss: no right claim since the last change, or all superseded."""
    truth = monument.truth_at(day)
    changed = max(when for when, _ in monument.history if when <= day)
    right = [
        c for c in in_play if c.state == truth and (c.observed_from or c.observed_until) >= changed
    ]
    roles = {v.claim_id: v.role for v in result.verdicts}
    if not right:
        score.no_evidence += 1
    elif all(roles[c.id] == "superseded" for c in right):
        score.superseded_truth += 1


def evaluate_synthetic(seed: int, count: int) -> dict[str, dict[str, Score]]:
    generator = Generator(seed)
    monuments = [generator.monument(i + 1) for i in range(count)]
    scores: dict[str, dict[str, Score]] = {}
    by_truth: dict[str, dict[str, list[int]]] = {}
    for label, as_of in (("present", None), (f"as of {MID.isoformat()}", MID)):
        engine, majority = Score(), Score()
        for m in monuments:
            in_play = [c for c in m.claims if as_of is None or c.observed_until <= as_of]
            if not in_play:
                continue
            truth = m.truth_at(as_of or END)
            result = consensus.compute(m.claims, as_of=as_of)
            voted = consensus.majority_vote(in_play)
            engine.add(truth, result.state, result.contested)
            if result.state != truth:
                explain_miss(engine, m, in_play, result, as_of or END)
            majority.add(truth, voted)
            if as_of is None:
                row = by_truth.setdefault(truth, {"n": [0], "engine": [0], "majority": [0]})
                row["n"][0] += 1
                row["engine"][0] += result.state == truth
                row["majority"][0] += voted == truth
        scores[label] = {"engine": engine, "majority vote": majority}

    every = [c for m in monuments for c in m.claims]
    wire_wrong = len(generator.wire & generator.wrong)
    undated = sum(c.observed_from is None and c.observed_to is None for c in every)
    print(f"## (b) Synthetic registry (seed {seed}, {count} monuments)\n")
    print(
        f"{len(every)} claims ({len(every) / count:.1f} per monument); "
        f"{pct(len(generator.wrong), len(every))} wrong at their observation date; "
        f"{len(generator.wire)} carried by wire stories "
        f"({pct(wire_wrong, len(generator.wire))} of them wrong); "
        f"{len(generator.stale)} stale; {undated} undated.\n"
    )
    for label, methods in scores.items():
        rows = []
        for method, s in methods.items():
            rows.append(
                [
                    method,
                    s.evaluated,
                    pct(s.exact, s.evaluated),
                    pct(s.near, s.evaluated),
                    pct(s.contested, s.evaluated) if method == "engine" else "n/a",
                ]
            )
        print(f"### {label}\n")
        print(
            markdown_table(
                ["method", "monuments", "accuracy", "within one step", "contested"], rows
            )
        )
        e = methods["engine"]
        print(
            f"\nEngine: {e.contested_wrong} of its {e.wrong} wrong states were flagged "
            f"contested; {e.contested - e.contested_wrong} of {e.contested} contested "
            "states were right anyway.\n"
            f"Of its wrong states, {e.no_evidence} had no right claim observed since the "
            f"last true change; in {e.superseded_truth} every such right claim was "
            "superseded by a later claim of another state.\n"
        )
    rows = [
        [
            truth,
            row["n"][0],
            pct(row["engine"][0], row["n"][0]),
            pct(row["majority"][0], row["n"][0]),
        ]
        for truth, row in sorted(by_truth.items(), key=lambda kv: consensus.STATES.index(kv[0]))
    ]
    print("### present accuracy by true state\n")
    print(markdown_table(["true state", "monuments", "engine", "majority vote"], rows))
    print()
    return scores


# --- (c) Calibration ----------------------------------------------------------------


def confidence_points(seed: int, count: int) -> list[tuple[float, float, bool]]:
    """(raw score, published confidence, right?) for every reading of the synthetic
    registry: the present state and the state as of MID."""
    generator = Generator(seed)
    monuments = [generator.monument(i + 1) for i in range(count)]
    points = []
    for as_of in (None, MID):
        for m in monuments:
            if not any(as_of is None or c.observed_until <= as_of for c in m.claims):
                continue
            result = consensus.compute(m.claims, as_of=as_of)
            right = result.state == m.truth_at(as_of or END)
            points.append((result.score, result.confidence, right))
    return points


def reliability_table(points: list[tuple[float, bool]], bins: int = 10):
    """Rows (bin, readings, mean confidence, accuracy) and the expected calibration
    error: the readings-weighted mean gap between confidence and accuracy per bin."""
    rows, ece = [], 0.0
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        chosen = [(c, r) for c, r in points if low <= c < high or (b == bins - 1 and c == 1)]
        if not chosen:
            continue
        mean = sum(c for c, _ in chosen) / len(chosen)
        accuracy = sum(r for _, r in chosen) / len(chosen)
        ece += len(chosen) / len(points) * abs(accuracy - mean)
        rows.append((f"{low:.1f}-{high:.1f}", len(chosen), mean, accuracy))
    return rows, ece


def fit_calibration(points: list[tuple[float, bool]], bins: int = 10) -> list[tuple[float, float]]:
    """Knots (score, accuracy) of a strictly increasing map fitted by pool-adjacent-
    violators on the bins of *points* (what consensus.CALIBRATION holds)."""
    rows, _ = reliability_table(points, bins)
    blocks = [[n, mean * n, accuracy * n] for _, n, mean, accuracy in rows]
    merged: list[list[float]] = []
    for block in blocks:
        merged.append(block)
        while len(merged) > 1 and merged[-2][2] / merged[-2][0] >= merged[-1][2] / merged[-1][0]:
            last = merged.pop()
            merged[-1] = [merged[-1][i] + last[i] for i in range(3)]
    knots = [(round(b[1] / b[0], 3), round(b[2] / b[0], 3)) for b in merged]
    return [(0.0, round(knots[0][1] * 0.9, 3)), *knots, (1.0, min(1.0, knots[-1][1] + 0.02))]


def evaluate_calibration(seed: int, count: int) -> None:
    points = confidence_points(seed, count)
    print(f"## (c) Calibration (synthetic registry, seed {seed}, {count} monuments)\n")
    for label, index in (("raw score", 0), ("published confidence", 1)):
        rows, ece = reliability_table([(p[index], p[2]) for p in points])
        print(f"### {label}: expected calibration error {ece:.3f}\n")
        table = [[b, n, f"{mean:.3f}", f"{acc:.3f}"] for b, n, mean, acc in rows]
        print(markdown_table(["bin", "readings", "mean", "accuracy"], table))
        print()
    print(
        "Calibration knots fitted on this seed:", fit_calibration([(p[0], p[2]) for p in points])
    )
    print()


# --- Main ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--monuments", type=int, default=500, help="synthetic monuments (default 500)"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()

    evaluate_seed_fixtures()
    scores = evaluate_synthetic(args.seed, args.monuments)
    evaluate_calibration(args.seed, args.monuments)

    print("## Summary\n")
    rows = []
    for label, methods in scores.items():
        for method, s in methods.items():
            rows.append(
                [
                    f"synthetic, {label}",
                    method,
                    pct(s.exact, s.evaluated),
                    pct(s.near, s.evaluated),
                    pct(s.contested, s.evaluated) if method == "engine" else "n/a",
                    s.evaluated,
                ]
            )
    print(
        markdown_table(
            ["evaluation", "method", "accuracy", "within one step", "contested", "monuments"],
            rows,
        )
    )
    print(f"\n({time.perf_counter() - started:.1f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
