"""Score the consensus engine on the labelled timelines of bench/timelines/.

Usage::

    .venv/bin/python bench/timeline_eval.py [--after DAYS] [--misses] [--dir DIR] [--reliability]

bench/timelines/ holds real public reporting on the heritage of other conflicts than
the seed articles' (Mosul, Nineveh, Nimrud, Hatra, Aleppo, the Crac des Chevaliers,
Timbuktu, Mariupol, Ivankiv, Odesa, Skovorodynivka, Mostar, Ain Dara): a gazetteer, one fixture per
article (metadata and the short verbatim excerpt of each claim, every claim reviewed)
and truth.json, each monument's dated states. Palmyra is left out on purpose: its
2015-2017 timeline is kept unseen, to test the rules chosen here. ``--dir
bench/timelines_heldout`` (and ``_heldout2``, ``_heldout3``, ``_heldout4``) score the
held-out sets laid out the same way: 15, 18, 15 and 19 other monuments, each labelled
before the engine was run on it and measured once before any rule was drawn from it.

The fixtures are loaded with the registry's own loaddata (``--accept-as``) into an
in-memory SQLite registry and read back as engine input by the service that feeds
the stored consensus. Then, for every monument and every date at which its true
state changes (and, with ``--after``, that many days later), the engine is asked
for the state ``as_of`` that date (claims observed by then) and ``known_at`` that
date (claims published by then); plain majority vote (one claim, one vote) is asked
the same over the same claims. Reported per reading:

* exact: the state published is the true state;
* within one step: at most one step off on the scale (``consensus.distance``);
* wrongly contested: the engine flags the status contested although its state is
  exactly right;
* informed: points where at least one claim in play speaks of the current true
  period (observed, or published when undated, on or after its start). Elsewhere no
  method can know the change yet.

With ``--second-truth FILE`` (a second labeller's truth.json for the same monuments,
written without seeing the first), the script also measures the labels themselves. At
every change date of either labeller (plus the same offsets) it reports how often the
two labellers give the same state and a state at most one step apart, and, over the
informed points where they agree, how often one of the monument's own claims speaking
of that period states that state (the most any method publishing a claimed state can
reach; points that members' claims speak for are left out, a roll-up may publish a
state no claim states) and how often the engine and majority vote give it: the
engine's accuracy where the truth is not in doubt.

Prints figures, asserts nothing. Deterministic.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from heritage import consensus  # noqa: E402  (pure module: no Django needed)

TIMELINES = ROOT / "bench" / "timelines"
READINGS = ("as_of", "known_at")


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


# --- Loading ------------------------------------------------------------------------


def fixture_paths(directory: Path = TIMELINES) -> list[Path]:
    return [directory / "gazetteer.json", *sorted((directory / "articles").glob("*.json"))]


def load_truth(
    directory: Path = TIMELINES, *, path: Path | None = None
) -> dict[str, list[tuple[datetime.date, str]]]:
    """Each monument's dated true states, from *directory*'s truth.json or *path*."""
    data = json.loads((path or directory / "truth.json").read_text(encoding="utf-8"))
    return {
        slug: [(datetime.date.fromisoformat(day), state) for day, state in changes]
        for slug, changes in data["monuments"].items()
    }


def load_claims(*directories: Path) -> dict[str, list[consensus.Claim]]:
    """Load each set's fixtures (by default bench/timelines/) into a fresh in-memory
    registry of its own (sets may describe a shared place differently); return each
    monument's claims as the engine receives them (see :data:`GROUPS` for the groups)."""
    os.environ["DATABASE_URL"] = "sqlite://:memory:"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings.dev")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from heritage import services
    from heritage.models import Monument

    call_command("migrate", verbosity=0)
    GROUPS.clear()
    result: dict[str, list[consensus.Claim]] = {}
    for directory in directories or (TIMELINES,):
        call_command("flush", interactive=False, verbosity=0)
        get_user_model().objects.create_superuser("evaluator", "evaluator@localhost", None)
        call_command(
            "loaddata", *map(str, fixture_paths(directory)), accept_as="evaluator", verbosity=0
        )
        monuments = dict(Monument.objects.values_list("pk", "slug"))
        claims, groups = services.engine_inputs(monuments)
        GROUPS.update({monuments[pk]: group for pk, group in groups.items()})
        result.update({monuments[pk]: mine for pk, mine in claims.items()})
    return result


# Each group's engine input (its size and its members' claims), filled by load_claims.
GROUPS: dict[str, consensus.Group] = {}


# --- Scoring ------------------------------------------------------------------------


def true_state(changes: list[tuple[datetime.date, str]], day: datetime.date) -> str:
    state = consensus.INTACT
    for start, value in changes:
        if start <= day:
            state = value
    return state


def period_start(changes: list[tuple[datetime.date, str]], day: datetime.date) -> datetime.date:
    start = datetime.date.min
    for begins, _ in changes:
        if begins <= day:
            start = begins
    return start


def in_play(
    claims: Iterable[consensus.Claim], reading: str, day: datetime.date
) -> list[consensus.Claim]:
    """The claims a reading at *day* may use (the engine's own filter)."""
    if reading == "as_of":
        return [c for c in claims if c.observed_until <= day]
    return [c for c in claims if c.published_on <= day]


def majority_state(usable: list[consensus.Claim], group: consensus.Group | None) -> str:
    """Plain majority vote over *usable*; it reads a claim about some members of a
    group as the engine does."""
    return consensus.majority_vote([replace(c, state=claimed_state(c, group)) for c in usable])


def claimed_state(claim: consensus.Claim, group: consensus.Group | None) -> str:
    """The state *claim* votes for: a claim about some members of a group votes for the
    state their share implies (rule 8)."""
    if group is None or group.is_whole:
        return claim.state
    return consensus.group_claim_state(claim.state, claim.quantity, group.size)


@dataclass
class Score:
    points: int = 0
    informed: int = 0
    exact: int = 0
    exact_informed: int = 0
    within_one: int = 0
    contested_when_right: int = 0
    majority_exact: int = 0
    majority_exact_informed: int = 0
    majority_within_one: int = 0
    misses: list[str] = field(default_factory=list)
    # (published confidence, exact) of each informed reading, for the reliability table
    confidences: list[tuple[float, bool]] = field(default_factory=list)


def score(
    claims: dict[str, list[consensus.Claim]],
    truth: dict[str, list[tuple[datetime.date, str]]],
    *,
    reading: str,
    after_days: int = 0,
    compute: Callable[..., consensus.Consensus] = consensus.compute,
) -> Score:
    """Score *compute* (the engine by default) and majority vote at every change date
    (plus *after_days*) of every monument in *truth*."""
    result = Score()
    for slug, changes in sorted(truth.items()):
        mine = claims.get(slug, [])
        group = GROUPS.get(slug)
        members = [c for member in group.members for c in member] if group else []
        for start, _ in changes:
            day = start + datetime.timedelta(days=after_days)
            expected = true_state(changes, day)
            usable = in_play(mine, reading, day)
            begins = period_start(changes, day)
            # A group's members' claims inform it too (they roll up to it).
            informed = any(
                c.observed_until >= begins for c in usable + in_play(members, reading, day)
            )
            engine = compute(mine, group=group, **{reading: day})
            majority = majority_state(usable, group)
            result.points += 1
            result.informed += informed
            exact = engine.state == expected
            result.exact += exact
            result.exact_informed += exact and informed
            result.within_one += consensus.distance(engine.state, expected) <= 1
            result.contested_when_right += exact and engine.contested
            result.majority_exact += majority == expected
            result.majority_exact_informed += majority == expected and informed
            result.majority_within_one += consensus.distance(majority, expected) <= 1
            if informed:
                result.confidences.append((engine.confidence, exact))
            if not exact and informed:
                result.misses.append(
                    f"{slug} {reading}={day}: engine {engine.state}"
                    f"{' (contested)' if engine.contested else ''}, true {expected}, "
                    f"majority {majority}"
                )
    return result


@dataclass
class Agreement:
    """Two labellers' truths read at the same points, and the engine where they agree."""

    points: int = 0
    agree: int = 0
    agree_within_one: int = 0
    agreed_informed: int = 0
    # Agreed, informed points of a monument no member's claim speaks for (a roll-up can
    # publish a state no claim states), and of those, the points where one of its own
    # claims speaking of the period states the true state, read as the engine reads it:
    # the most that any method publishing a claimed state can get right.
    claimable: int = 0
    claimed: int = 0
    engine_exact: int = 0  # on agreed, informed points
    majority_exact: int = 0  # on agreed, informed points
    disagreements: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)  # engine wrong where both agree


def agreement(
    claims: dict[str, list[consensus.Claim]],
    first: dict[str, list[tuple[datetime.date, str]]],
    second: dict[str, list[tuple[datetime.date, str]]],
    *,
    reading: str,
    after_days: int = 0,
    compute: Callable[..., consensus.Consensus] = consensus.compute,
) -> Agreement:
    """Compare two labellers' truths at every change date of either (plus *after_days*)
    of the monuments both label, and score the engine and majority vote on the points
    where they give the same state and evidence speaks of that state's period (from
    the earlier of the two labellers' starts of it: they may date a change apart)."""
    result = Agreement()
    for slug in sorted(first.keys() & second.keys()):
        a, b = first[slug], second[slug]
        mine = claims.get(slug, [])
        group = GROUPS.get(slug)
        members = [c for member in group.members for c in member] if group else []
        days = sorted({start for start, _ in a} | {start for start, _ in b})
        for start in days:
            day = start + datetime.timedelta(days=after_days)
            state_a, state_b = true_state(a, day), true_state(b, day)
            result.points += 1
            result.agree_within_one += consensus.distance(state_a, state_b) <= 1
            if state_a != state_b:
                result.disagreements.append(f"{slug} {day}: first {state_a}, second {state_b}")
                continue
            result.agree += 1
            usable = in_play(mine, reading, day)
            begins = min(period_start(a, day), period_start(b, day))
            own = [c for c in usable if c.observed_until >= begins]
            parts = [c for c in in_play(members, reading, day) if c.observed_until >= begins]
            if not own and not parts:
                continue
            result.agreed_informed += 1
            if not parts:
                result.claimable += 1
                result.claimed += state_a in {claimed_state(c, group) for c in own}
            engine = compute(mine, group=group, **{reading: day})
            majority = majority_state(usable, group)
            result.engine_exact += engine.state == state_a
            result.majority_exact += majority == state_a
            if engine.state != state_a:
                result.misses.append(
                    f"{slug} {reading}={day}: engine {engine.state}, both labellers "
                    f"{state_a}, majority {majority}"
                )
    return result


def agreement_report(
    claims: dict[str, list[consensus.Claim]],
    first: dict[str, list[tuple[datetime.date, str]]],
    second: dict[str, list[tuple[datetime.date, str]]],
    *,
    after: Iterable[int] = (0,),
) -> tuple[str, list[Agreement]]:
    rows, results = [], []
    for days in after:
        for reading in READINGS:
            r = agreement(claims, first, second, reading=reading, after_days=days)
            results.append(r)
            when = "change date" if days == 0 else f"change date + {days} days"
            rows.append(
                [
                    f"{reading}, {when}",
                    r.points,
                    pct(r.agree, r.points),
                    pct(r.agree_within_one, r.points),
                    r.agreed_informed,
                    f"{pct(r.claimed, r.claimable)} of {r.claimable}",
                    pct(r.engine_exact, r.agreed_informed),
                    pct(r.majority_exact, r.agreed_informed),
                ]
            )
    headers = [
        "reading",
        "points (either labeller's changes)",
        "labellers agree",
        "within one",
        "agreed and informed",
        "true state claimed there (no members' claims)",
        "engine exact there",
        "majority",
    ]
    return markdown_table(headers, rows), results


def report(
    claims: dict[str, list[consensus.Claim]],
    truth: dict[str, list[tuple[datetime.date, str]]],
    *,
    after: Iterable[int] = (0,),
    compute: Callable[..., consensus.Consensus] = consensus.compute,
) -> tuple[str, list[Score]]:
    rows, scores = [], []
    for days in after:
        for reading in READINGS:
            s = score(claims, truth, reading=reading, after_days=days, compute=compute)
            scores.append(s)
            when = "change date" if days == 0 else f"change date + {days} days"
            rows.append(
                [
                    f"{reading}, {when}",
                    s.points,
                    s.informed,
                    pct(s.exact_informed, s.informed),
                    pct(s.majority_exact_informed, s.informed),
                    pct(s.exact, s.points),
                    pct(s.majority_exact, s.points),
                    pct(s.within_one, s.points),
                    pct(s.majority_within_one, s.points),
                    pct(s.contested_when_right, s.points),
                ]
            )
    headers = [
        "reading",
        "points",
        "informed",
        "exact (informed): engine",
        "majority",
        "exact (all): engine",
        "majority",
        "within one: engine",
        "majority",
        "wrongly contested",
    ]
    return markdown_table(headers, rows), scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--after",
        type=int,
        action="append",
        help="also read this many days after each change (repeatable; default: 0 and 30)",
    )
    parser.add_argument("--misses", action="store_true", help="list the informed misses")
    parser.add_argument(
        "--reliability",
        action="store_true",
        help="confidence bins against exactness over every informed reading, and the "
        "expected calibration error",
    )
    parser.add_argument(
        "--dir",
        type=Path,
        default=TIMELINES,
        help="a labelled set laid out like bench/timelines/ (default: that one)",
    )
    parser.add_argument(
        "--second-truth",
        type=Path,
        help="a second labeller's truth.json for the same monuments: measure the "
        "labellers' agreement and the engine where they agree",
    )
    args = parser.parse_args()
    after = args.after or [0, 30]
    truth = load_truth(args.dir)
    second = load_truth(path=args.second_truth) if args.second_truth else None
    claims = load_claims(args.dir)
    count = sum(len(v) for v in claims.values())
    print(
        f"Labelled timelines: {len(truth)} monuments, {count} accepted claims, "
        f"{sum(len(c) for c in truth.values())} true changes.\n"
    )
    table, scores = report(claims, truth, after=after)
    print(table)
    if args.misses:
        for s in scores:
            for line in s.misses:
                print("  miss:", line)
    if args.reliability:
        print()
        print(reliability([point for s in scores for point in s.confidences]))
    if second is not None:
        both = truth.keys() & second.keys()
        print(
            f"\nTwo labellers: {len(both)} monuments labelled by both "
            f"({len(truth.keys() - both)} by the first only, "
            f"{len(second.keys() - both)} by the second only).\n"
        )
        table, results = agreement_report(claims, truth, second, after=after)
        print(table)
        if args.misses:
            for line in sorted({d for r in results for d in r.disagreements}):
                print("  labellers differ:", line)
            for r in results:
                for line in r.misses:
                    print("  miss where both agree:", line)


def reliability(points: list[tuple[float, bool]], bins: int = 5) -> str:
    """The published confidence against exactness, in *bins* equal bins (few readings:
    wide bins), with the expected calibration error (bench/consensus_eval.py's table)."""
    from consensus_eval import reliability_table  # bench/ is the script's folder

    rows, ece = reliability_table(points, bins)
    table = markdown_table(
        ["confidence", "readings", "mean", "exact"],
        [[b, n, f"{mean:.3f}", f"{accuracy:.3f}"] for b, n, mean, accuracy in rows],
    )
    return f"Informed readings: {len(points)}; expected calibration error {ece:.3f}\n\n{table}"


if __name__ == "__main__":
    main()
