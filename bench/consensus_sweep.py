"""Choose the engine's weights by measurement: score every combination of candidate
values on the labelled timelines and on the synthetic registry.

Usage::

    .venv/bin/python bench/consensus_sweep.py [--seed N] [--monuments N] [--dir DIR ...]

For each combination of ``EVIDENCE_WEIGHT["reported"]``, ``CREDIBLE_WEIGHT`` and
``SUPERSEDE_RATIO`` (the candidates below), prints: exact share of the informed
points of bench/timeline_eval.py (as_of and known_at, at each change date and 30 days
later, all together) and the synthetic registry's accuracy (present state and state
as of its mid date) of bench/consensus_eval.py. The timelines are bench/timelines/
unless ``--dir`` names sets (repeatable); a set with a second labeller's truth
(``truth_second.json``) is scored only where the two labellers agree. The registry's values are the
combination with the best timeline score, the synthetic score breaking ties; the
README records the figures. Then, the others held at the registry's values, the same
for each candidate ``CHANGE_REPORT_WEIGHT`` (the weight a change report needs), with
the timeline readings 30 days after each change apart. Prints figures, asserts
nothing.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import consensus_eval  # noqa: E402
import timeline_eval  # noqa: E402

from heritage import consensus  # noqa: E402

REPORTED = (0.3, 0.4, 0.5)
CREDIBLE = (0.2, 0.3, 0.4)
RATIO = (0.1, 0.15, 0.25, 0.5, 1.0)
CHANGE_REPORT = (0.1, 0.15, 0.2, 0.25, 0.3)


Truths = list[tuple[dict, dict]]  # per set: the truth and a second labeller's (or itself)


def load_sets(directories: list[Path]) -> tuple[dict, Truths]:
    claims = timeline_eval.load_claims(*directories)
    truths = []
    for directory in directories:
        first = timeline_eval.load_truth(directory)
        second = directory / "truth_second.json"
        truths.append((first, timeline_eval.load_truth(path=second) if second.exists() else first))
    return claims, truths


def timeline_score(claims, truths: Truths) -> tuple[int, int]:
    hits = total = 0
    for days in (0, 30):
        for reading in timeline_eval.READINGS:
            for first, second in truths:
                s = timeline_eval.agreement(
                    claims, first, second, reading=reading, after_days=days
                )
                hits += s.engine_exact
                total += s.agreed_informed
    return hits, total


def after_30_days(claims, truths: Truths) -> str:
    """Exact share of the informed readings 30 days after each change, per reading."""
    parts = []
    for reading in timeline_eval.READINGS:
        hits = total = 0
        for first, second in truths:
            s = timeline_eval.agreement(claims, first, second, reading=reading, after_days=30)
            hits += s.engine_exact
            total += s.agreed_informed
        parts.append(timeline_eval.pct(hits, total))
    return " / ".join(parts)


def synthetic_score(monuments) -> tuple[int, int]:
    hits = total = 0
    for as_of in (None, consensus_eval.MID):
        for m in monuments:
            if not any(as_of is None or c.observed_until <= as_of for c in m.claims):
                continue
            result = consensus.compute(m.claims, as_of=as_of)
            hits += result.state == m.truth_at(as_of or consensus_eval.END)
            total += 1
    return hits, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--monuments", type=int, default=500)
    parser.add_argument(
        "--dir",
        type=Path,
        action="append",
        help="a labelled timeline set (repeatable; default: bench/timelines/)",
    )
    args = parser.parse_args()
    claims, truths = load_sets(args.dir or [timeline_eval.TIMELINES])
    generator = consensus_eval.Generator(args.seed)
    monuments = [generator.monument(i + 1) for i in range(args.monuments)]

    saved = (dict(consensus.EVIDENCE_WEIGHT), consensus.CREDIBLE_WEIGHT, consensus.SUPERSEDE_RATIO)
    rows = []
    try:
        for reported, credible, ratio in itertools.product(REPORTED, CREDIBLE, RATIO):
            consensus.EVIDENCE_WEIGHT["reported"] = reported
            consensus.CREDIBLE_WEIGHT = credible
            consensus.SUPERSEDE_RATIO = ratio
            t_hits, t_total = timeline_score(claims, truths)
            s_hits, s_total = synthetic_score(monuments)
            rows.append((t_hits / t_total, s_hits / s_total, reported, credible, ratio))
    finally:
        consensus.EVIDENCE_WEIGHT.clear()
        consensus.EVIDENCE_WEIGHT.update(saved[0])
        consensus.CREDIBLE_WEIGHT, consensus.SUPERSEDE_RATIO = saved[1:]
    rows.sort(reverse=True)
    current = (saved[0]["reported"], *saved[1:])
    table = [
        [
            f"{reported:.2f}",
            f"{credible:.2f}",
            f"{ratio:.2f}",
            f"{100 * t:.1f}%",
            f"{100 * s:.1f}%",
            "<- registry" if (reported, credible, ratio) == current else "",
        ]
        for t, s, reported, credible, ratio in rows
    ]
    print(
        timeline_eval.markdown_table(
            [
                "reported",
                "credible",
                "ratio",
                "timelines exact (informed)",
                "synthetic",
                "",
            ],
            table,
        )
    )
    change_report_sweep(claims, truths, monuments)


def change_report_sweep(claims, truths: Truths, monuments) -> None:
    saved = consensus.CHANGE_REPORT_WEIGHT
    rows = []
    try:
        for weight in CHANGE_REPORT:
            consensus.CHANGE_REPORT_WEIGHT = weight
            t_hits, t_total = timeline_score(claims, truths)
            s_hits, s_total = synthetic_score(monuments)
            rows.append(
                [
                    f"{weight:.2f}",
                    f"{100 * t_hits / t_total:.1f}%",
                    after_30_days(claims, truths),
                    f"{100 * s_hits / s_total:.1f}%",
                    "<- registry" if weight == saved else "",
                ]
            )
    finally:
        consensus.CHANGE_REPORT_WEIGHT = saved
    print()
    print(
        timeline_eval.markdown_table(
            [
                "change report",
                "timelines exact (informed)",
                "as_of / known_at, +30 days",
                "synthetic",
                "",
            ],
            rows,
        )
    )


if __name__ == "__main__":
    main()
