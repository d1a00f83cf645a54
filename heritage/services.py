"""Writes to the registry, and the loading and storing around the consensus engine.

Every change that the consensus depends on ends in :func:`refresh_consensus` in the
same transaction: the curator actions below call it directly; plain ORM saves
(admin forms, import/export, the shell) reach it through ``heritage/signals.py``;
``loaddata`` calls it once for everything it created.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import datetime
import functools
import hashlib
import inspect
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from heritage import consensus, images
from heritage.models import (
    END_OF_TIME,
    Alias,
    Composition,
    ConsensusJob,
    ConsensusPeriod,
    DamageReport,
    Monument,
    MonumentConsensus,
    Outlet,
    OutletKind,
    PeriodBasis,
    Photo,
    ReviewStatus,
    Revision,
    Source,
    StatusOverride,
)
from heritage.prepared import Prepared
from heritage.text import search_text

# Reliability of a source with neither an outlet nor a credit.
DEFAULT_RELIABILITY = 0.5

REVIEW_DECISIONS = (ReviewStatus.ACCEPTED, ReviewStatus.REJECTED)
NOT_A_DECISION = "A review decision is 'accepted' or 'rejected'."

_pending: contextvars.ContextVar[set[int] | None] = contextvars.ContextVar(
    "heritage_pending_refresh", default=None
)


# --- Loading claims for the engine -------------------------------------------------

# Monuments recomputed per batch: bounds memory (a batch's claims, sources and results)
# and keeps every query's parameters far below SQLite's limit.
REFRESH_BATCH = 1000

_CLAIM_COLUMNS = (
    "monument_id",
    "key",
    "state",
    "evidence",
    "observed_from",
    "observed_to",
    "inferred",
    "rank",
    "rank_reason",
    "quantity",
    "source_id",
    "source__key",
    "source__published_on",
    "source__wire_story",
    "source__outlet_id",
    "source__outlet__slug",
    "source__outlet__kind",
    "source__outlet__reliability",
)


def _outlet(cache: dict[int, Outlet], pk: int | None, slug, kind, reliability) -> Outlet | None:
    """An outlet from joined columns, one instance per id."""
    if pk is None:
        return None
    outlet = cache.get(pk)
    if outlet is None:
        outlet = cache[pk] = Outlet(pk=pk, slug=slug, kind=kind, reliability=reliability)
    return outlet


def claims_by_monument(
    monument_ids: Iterable[int] | None = None,
    *,
    id_range: tuple[int, int] | None = None,
) -> dict[int, list[consensus.Claim]]:
    """Accepted claims of the given monuments (or of every monument whose id is in
    *id_range*, both ends included) as engine input, in at most three queries.

    One for the claims with their sources and outlets (plain rows, no model
    instances), one for the sources' wire credits and one for the passages they copy
    (both select the sources by subquery, so no list of ids is sent). Each monument's
    claims are in the order they were created.
    """
    reports = DamageReport.objects.accepted()
    if id_range is not None:
        reports = reports.filter(monument_id__gte=id_range[0], monument_id__lte=id_range[1])
    else:
        reports = reports.filter(monument_id__in=list(monument_ids or ()))
    rows = list(reports.order_by("id").values_list(*_CLAIM_COLUMNS))
    if not rows:
        return {}
    sources = reports.values("source_id")
    outlets: dict[int, Outlet] = {}
    credits: dict[int, list[Outlet]] = defaultdict(list)
    for source_id, *outlet in Source.wire_credits.through.objects.filter(
        source_id__in=sources
    ).values_list("source_id", "outlet_id", "outlet__slug", "outlet__kind", "outlet__reliability"):
        credits[source_id].append(_outlet(outlets, *outlet))
    copies: dict[int, set[str]] = defaultdict(set)
    for from_id, key in Source.copies_passages_from.through.objects.filter(
        from_source_id__in=sources
    ).values_list("from_source_id", "to_source__key"):
        copies[from_id].add(key)

    result: dict[int, list[consensus.Claim]] = defaultdict(list)
    for (
        monument_id,
        key,
        state,
        evidence,
        observed_from,
        observed_to,
        inferred,
        rank,
        rank_reason,
        quantity,
        source_id,
        source_key,
        published_on,
        wire_story,
        outlet_id,
        outlet_slug,
        outlet_kind,
        outlet_reliability,
    ) in rows:
        outlet = _outlet(outlets, outlet_id, outlet_slug, outlet_kind, outlet_reliability)
        credited = credits.get(source_id, [])
        result[monument_id].append(
            consensus.Claim(
                id=claim_ref(source_key, key),
                state=state,
                evidence=evidence,
                source_key=source_key,
                published_on=published_on,
                reliability=source_reliability(outlet, credited),
                observed_from=observed_from,
                observed_to=observed_to,
                wire_credits=frozenset(
                    o.slug for o in credited if o.kind != OutletKind.UNNAMED_AGENCIES
                ),
                wire_story=wire_story,
                copies_from=frozenset(copies.get(source_id, ())),
                inferred=inferred,
                rank=rank,
                rank_reason=rank_reason,
                quantity=quantity,
            )
        )
    return result


@dataclasses.dataclass(frozen=True)
class GroupShape:
    """A monument with members as the registry records it: a group of like members or a
    whole with parts (its ``composition``), a group's number of members (None: unknown)
    and whether that number is an estimate, and the ids of its recorded members."""

    size: int | None = None
    approximate: bool = False
    members: tuple[int, ...] = ()
    composition: str = Composition.GROUP


def group_shapes(
    monument_ids: Iterable[int] | None = None, *, id_range: tuple[int, int] | None = None
) -> dict[int, GroupShape]:
    """The monuments with members among the given monuments (or those whose id is in
    *id_range*): groups with recorded members or a number of members, and wholes with
    recorded parts (one query)."""
    if id_range is not None:
        low, high = id_range
        within = Q(pk__gte=low, pk__lte=high)
        members_of = Q(part_of_id__gte=low, part_of_id__lte=high)

        def inside(pk: int) -> bool:
            return low <= pk <= high
    else:
        ids = set(monument_ids or ())
        within, members_of = Q(pk__in=list(ids)), Q(part_of_id__in=list(ids))
        inside = ids.__contains__
    sizes: dict[int, tuple[int | None, bool]] = {}
    members: dict[int, list[int]] = defaultdict(list)
    composition: dict[int, str] = {}
    rows = Monument.objects.filter((within & Q(member_count__isnull=False)) | members_of)
    for pk, group_id, size, approximate, of_group in rows.order_by("pk").values_list(
        "pk", "part_of_id", "member_count", "member_count_approximate", "part_of__composition"
    ):
        if size is not None and inside(pk):
            sizes[pk] = (size, approximate)
        if group_id is not None and inside(group_id):
            members[group_id].append(pk)
            composition[group_id] = of_group
    return {
        gid: GroupShape(
            *sizes.get(gid, (None, False)),
            members=tuple(members.get(gid, ())),
            composition=composition.get(gid, Composition.GROUP),
        )
        for gid in sorted(sizes.keys() | members.keys())
    }


def group_input(
    shape: GroupShape | None, claims: dict[int, list[consensus.Claim]]
) -> consensus.Group | None:
    """The engine's view of a monument with members: its composition, a group's size,
    and its members' claims."""
    if shape is None:
        return None
    return consensus.Group(
        size=shape.size,
        approximate=shape.approximate,
        members=tuple(claims.get(m, []) for m in shape.members),
        composition=consensus.WHOLE if shape.composition == Composition.WHOLE else consensus.GROUP,
    )


def engine_inputs(
    monument_ids: Iterable[int],
) -> tuple[dict[int, list[consensus.Claim]], dict[int, consensus.Group]]:
    """The claims of the given monuments and, for those that are groups, their engine
    input with their members' claims (four queries)."""
    ids = list(monument_ids)
    shapes = group_shapes(ids)
    members = {m for shape in shapes.values() for m in shape.members}
    claims = claims_by_monument(set(ids) | members)
    return claims, {gid: group_input(shape, claims) for gid, shape in shapes.items()}


def claim_ref(source_key: str, report_key: str) -> str:
    """How the consensus names a claim: by natural key, the same in every database."""
    return f"{source_key}/{report_key}"


def source_reliability(outlet: Outlet | None, credits: Iterable[Outlet]) -> float:
    """A source is as reliable as the best of its outlet and the agencies it carries."""
    values = [float(o.effective_reliability) for o in [outlet, *credits] if o is not None]
    return max(values) if values else DEFAULT_RELIABILITY


def overrides_by_monument(
    monument_ids: Iterable[int] | None = None, *, id_range: tuple[int, int] | None = None
) -> dict[int, consensus.Override]:
    overrides = StatusOverride.objects.all()
    if id_range is not None:
        overrides = overrides.filter(monument_id__gte=id_range[0], monument_id__lte=id_range[1])
    else:
        overrides = overrides.filter(monument_id__in=list(monument_ids or ()))
    return {
        monument_id: consensus.Override(state=state, reason=reason)
        for monument_id, state, reason in overrides.values_list("monument_id", "state", "reason")
    }


# --- Storing the consensus ---------------------------------------------------------


@transaction.atomic
def refresh_consensus(
    *,
    monument_ids: Iterable[int],
    using: str = "default",
    progress: Callable[[RefreshProgress], None] | None = None,
) -> int:
    """Recompute and store the consensus of the given monuments and of the groups they
    are members of; return how many stored rows changed.

    Inside :func:`batched_refresh` the ids are collected and refreshed once at the
    end of the batch instead. Monuments are recomputed :data:`REFRESH_BATCH` at a time
    (memory and query size stay bounded however many are given), and a row is written
    only when the result differs, so a recomputation that changes nothing leaves
    ``changed_at`` alone. *progress* is called after every batch.
    """
    ids = set(monument_ids)
    pending = _pending.get()
    if pending is not None:
        pending.update(ids)
        return 0
    if not ids:
        return 0
    ids |= groups_of(ids)
    changed = 0
    for step in refresh_batches(sorted(ids)):
        changed += step.changed
        if progress is not None:
            progress(step)
    if changed:
        bump_revision()
    return changed


@dataclasses.dataclass(frozen=True)
class RefreshProgress:
    """Where a recomputation stands after one batch (cumulative counts)."""

    done: int
    total: int
    changed: int
    batch_changed: int


def refresh_batches(ids: list[int], *, whole_range: bool = False) -> Iterator[RefreshProgress]:
    """Recompute and store *ids* (sorted) batch by batch, yielding after each.

    With *whole_range*, *ids* are every monument id in their range (a full refresh):
    each batch then selects its claims by id range, not by a list of ids. The caller
    decides the transactions (one for all, or one per batch) and bumps the revision.
    """
    done = changed = 0
    for start in range(0, len(ids), REFRESH_BATCH):
        batch = ids[start : start + REFRESH_BATCH]
        step = _refresh_batch(batch, whole_range=whole_range)
        done += len(batch)
        changed += step
        yield RefreshProgress(done=done, total=len(ids), changed=changed, batch_changed=step)


def groups_of(monument_ids: Iterable[int]) -> set[int]:
    """The groups the given monuments are members of (a group's status depends on its
    members' claims)."""
    ids = sorted(set(monument_ids))
    groups: set[int] = set()
    for start in range(0, len(ids), REFRESH_BATCH):
        groups.update(
            Monument.objects.filter(
                pk__in=ids[start : start + REFRESH_BATCH], part_of__isnull=False
            ).values_list("part_of_id", flat=True)
        )
    return groups


def _refresh_batch(ids: list[int], *, whole_range: bool) -> int:
    """Recompute one batch of monuments and write what changed; return how many rows."""
    lock_for_refresh(ids)
    if whole_range:
        span = (ids[0], ids[-1])
        shapes = group_shapes(id_range=span)
        claims = claims_by_monument(id_range=span)
        outside = {
            m for shape in shapes.values() for m in shape.members if not span[0] <= m <= span[1]
        }
        if outside:
            claims.update(claims_by_monument(outside))
        overrides = overrides_by_monument(id_range=span)
        stored_rows = MonumentConsensus.objects.filter(
            monument_id__gte=span[0], monument_id__lte=span[1]
        )
        existing_ids = ids
    else:
        shapes = group_shapes(ids)
        members = {m for shape in shapes.values() for m in shape.members}
        claims = claims_by_monument(set(ids) | members)
        overrides = overrides_by_monument(ids)
        stored_rows = MonumentConsensus.objects.filter(monument_id__in=ids)
        existing_ids = sorted(Monument.objects.filter(pk__in=ids).values_list("pk", flat=True))
    stored = {
        row["monument_id"]: row
        for row in stored_rows.values("monument_id", "history_digest", *_STORED_FIELDS)
    }
    now = timezone.now()
    created, updated, periods, stale = [], [], [], []
    for mid in existing_ids:
        mine = claims.get(mid, [])
        group = group_input(shapes.get(mid), claims)
        result = consensus.compute(mine, override=overrides.get(mid), group=group)
        values = _stored_values(result, mine)
        row = stored.get(mid)
        digest = history_digest(mine, group)
        # The past (timeline and periods) is recomputed only when its input changed.
        if row is None or row["history_digest"] != digest:
            timeline, past = stored_past(mid, mine, group)
            values.update(timeline=timeline, history_digest=digest)
            periods.extend(past)
            stale.append(mid)
        if row is None:
            created.append(MonumentConsensus(monument_id=mid, changed_at=now, **values))
            continue
        changed = {name for name, value in values.items() if name in row and row[name] != value}
        if "history_digest" in values:
            changed.add("timeline")
        if changed:
            # changed_at is when the published status changed, not its explanation or
            # the stored past, nor an extent computed for the first time (a row stored
            # before extents were, or a monument that just got members): clients
            # holding no extent have nothing to update. An extent withdrawn (a group
            # that became a whole) does count.
            first_extent = {name for name in _EXTENT_FIELDS if row[name] is None}
            if changed - {"explanation", *_HISTORY_FIELDS} - first_extent:
                values["changed_at"] = now
            updated.append((mid, values))
    MonumentConsensus.objects.bulk_create(created)
    _update_rows(updated)
    replace_periods(stale, periods)
    return len(created) + len(updated)


def lock_for_refresh(monument_ids: set[int]) -> None:
    """Serialise concurrent refreshes of the same monuments (PostgreSQL row locks; SQLite
    writes one transaction at a time anyway), so the last one to commit computes from
    every claim committed before it and no stale consensus is stored.

    The revision row first, then the monuments in id order: every writer takes them in
    that order (a save bumps the revision before its refresh), so two never wait on each
    other in a cycle. NO KEY UPDATE does not conflict with the KEY SHARE locks that
    inserting claims takes on their monument, so a load inserting claims does not block
    a refresh until the load reaches its own refresh.
    """
    list(Revision.objects.select_for_update().filter(pk=1).values_list("pk", flat=True))
    list(
        Monument.objects.select_for_update(no_key=True)
        .filter(pk__in=monument_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _update_rows(rows: list[tuple[int, dict]]) -> None:
    """Write changed consensus rows with ``UPDATE … FROM (VALUES …)``: one statement per
    chunk, each row found by a join, so the cost grows with the rows written (a
    ``bulk_update`` would match every row against a ``CASE`` of every other)."""
    if not rows:
        return
    # Rows whose status did not change keep their changed_at, and rows whose input did
    # not change keep their stored past: one statement shape per set of fields written.
    shapes: dict[tuple[str, ...], list[tuple[int, dict]]] = defaultdict(list)
    for mid, values in rows:
        shapes[tuple(name for name in _WRITTEN_FIELDS if name in values)].append((mid, values))
    for names, group in shapes.items():
        _update_from_values(list(names), group)


def _update_from_values(names: list[str], rows: list[tuple[int, dict]]) -> None:
    opts = MonumentConsensus._meta
    connection = transaction.get_connection()
    quote = connection.ops.quote_name
    fields = [opts.get_field(name) for name in names]
    columns = ["monument_id", *(f.column for f in fields)]
    per_statement = max(1, (connection.features.max_query_params or 30000) // len(columns))
    postgres = connection.vendor == "postgresql"

    def source(f) -> str:
        # PostgreSQL types a VALUES column from its literals: cast it to the column's type.
        value = f"v.{quote(f.column)}"
        return f"{value}::{f.db_type(connection)}" if postgres else value

    assignments = ", ".join(f"{quote(f.column)} = {source(f)}" for f in fields)
    table = quote(opts.db_table)
    key = quote("monument_id")
    names_sql = ", ".join(quote(c) for c in columns)
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        placeholders = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(chunk))
        params = []
        for mid, values in chunk:
            params.append(mid)
            params.extend(f.get_db_prep_save(values[f.name], connection) for f in fields)
        if postgres:
            sql = (
                f"UPDATE {table} AS t SET {assignments} FROM (VALUES {placeholders}) "
                f"AS v({names_sql}) WHERE t.{key} = v.{key}"
            )
        else:
            sql = (
                f"WITH v({names_sql}) AS (VALUES {placeholders}) "
                f"UPDATE {table} SET {assignments} FROM v WHERE {table}.{key} = v.{key}"
            )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


_EXTENT_FIELDS = ("extent_destroyed", "extent_affected", "extent_restored")
_STORED_FIELDS = [
    "state",
    "evidence_state",
    "confidence",
    "independent_origins",
    "contested",
    "single_origin",
    "overridden",
    "claim_count",
    "latest_observation",
    "extent_destroyed",
    "extent_affected",
    "extent_restored",
    "explanation",
]


def _stored_values(result: consensus.Consensus, claims: list[consensus.Claim]) -> dict:
    extent = result.extent
    return {
        "state": result.state,
        "evidence_state": result.evidence_state,
        "confidence": result.confidence,
        "independent_origins": result.independent_origins,
        "contested": result.contested,
        "single_origin": result.single_origin,
        "overridden": result.overridden,
        "claim_count": len(claims),
        "latest_observation": max((c.observed_until for c in claims), default=None),
        "extent_destroyed": extent.destroyed if extent else None,
        "extent_affected": extent.affected if extent else None,
        "extent_restored": extent.restored if extent else None,
        "explanation": [
            {
                "claim": v.claim_id,
                "origin": v.origin,
                "weight": v.weight,
                "role": v.role,
                "reasons": list(v.reasons),
            }
            for v in sorted(result.verdicts, key=lambda v: v.claim_id)
        ],
    }


# --- The stored past: timeline and periods ------------------------------------------

_HISTORY_FIELDS = ["timeline", "history_digest"]
# Every field a refresh may write, in a fixed order (one UPDATE shape per subset).
_WRITTEN_FIELDS = [*_STORED_FIELDS, *_HISTORY_FIELDS, "changed_at"]


@functools.cache
def _engine_digest() -> str:
    """The engine's code and the code that stores its past are part of every digest:
    new rules recompute every stored past."""
    code = [
        inspect.getsource(f) for f in (consensus, stored_past, stored_timeline, consensus_periods)
    ]
    return hashlib.sha256("\n".join(code).encode()).hexdigest()


def history_digest(claims: list[consensus.Claim], group: consensus.Group | None = None) -> str:
    """What the stored timeline and periods of a monument were computed from: the
    engine's code, its claims and, for a monument with members, its composition, a
    group's size and its members' claims.

    Sets are sorted, so the digest is the same in every process.
    """
    digest = hashlib.sha256(_engine_digest().encode())

    def add(claims: Iterable[consensus.Claim]) -> None:
        for claim in sorted(claims, key=lambda c: str(c.id)):
            values = [
                sorted(v) if isinstance(v, frozenset) else v
                for v in (getattr(claim, f.name) for f in dataclasses.fields(claim))
            ]
            digest.update(repr(values).encode())

    add(claims)
    if group is not None:
        digest.update(repr((group.composition, group.size, group.approximate)).encode())
        for member in sorted(group.members, key=lambda m: sorted(str(c.id) for c in m)):
            digest.update(b"member")
            add(member)
    return digest.hexdigest()


def stored_past(
    monument_id: int, claims: list[consensus.Claim], group: consensus.Group | None = None
) -> tuple[list[dict], list[ConsensusPeriod]]:
    """The monument's stored past: its timeline and its periods on both bases.

    The timeline's days are the ``as_of`` periods' days, so the engine's history on
    them is computed once for both."""
    days = consensus.change_days(claims, group)
    steps = consensus.history(claims, [datetime.date.min, *days], group=group)
    timeline = stored_timeline(claims, group, steps=steps[1:])
    return timeline, consensus_periods(monument_id, claims, group, as_of_steps=steps)


def stored_timeline(
    claims: list[consensus.Claim],
    group: consensus.Group | None = None,
    *,
    steps: list[consensus.Consensus] | None = None,
) -> list[dict]:
    """The engine's timeline of one monument as stored (dates as ISO strings)."""
    return [
        {
            "date": change.date.isoformat(),
            "earliest": change.earliest.isoformat() if change.earliest else None,
            "latest": change.latest.isoformat(),
            "state": change.state,
            "confidence": change.confidence,
            "claim_id": change.claim_id,
        }
        for change in consensus.timeline(claims, group=group, steps=steps)
    ]


def replace_periods(monument_ids: list[int], periods: list[ConsensusPeriod]) -> None:
    """Replace the stored periods of *monument_ids* (whose input changed) by *periods*.

    Only monuments whose ``history_digest`` changed come here, so a refresh that
    changes nothing runs the engine once per monument, not once per day.
    """
    for start in range(0, len(monument_ids), 500):  # within SQLite's parameter limit
        chunk = monument_ids[start : start + 500]
        ConsensusPeriod.objects.filter(monument_id__in=chunk).delete()
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        ConsensusPeriod.objects.bulk_create(periods, batch_size=1000)
        return
    # A full refresh writes millions of periods: COPY streams them in one statement.
    fields = [f for f in ConsensusPeriod._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        sql = f"COPY {quote(ConsensusPeriod._meta.db_table)} ({columns}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for period in periods:
                copy.write_row([getattr(period, f.attname) for f in fields])


_BASES = {
    PeriodBasis.OBSERVED: ("as_of", lambda c: c.observed_until),
    PeriodBasis.PUBLISHED: ("known_at", lambda c: c.published_on),
}


def consensus_periods(
    monument_id: int,
    claims: list[consensus.Claim],
    group: consensus.Group | None = None,
    *,
    as_of_steps: list[consensus.Consensus] | None = None,
) -> list[ConsensusPeriod]:
    """The monument's past consensus on both bases, as periods covering every day.

    ``compute(claims, as_of=day)`` keeps the claims observed by *day*, so it changes only
    on the days an observation ends: each such day opens a period that lasts until the
    next. Likewise ``known_at`` changes only on publication days. Before the first, the
    status is unknown. A period whose state differs from the previous one's is a change
    (``changes_state``), caused by the heaviest claim of its first day that supports the
    new state, as in the engine's timeline. A group's status also changes on its
    members' days (their states roll up to it). *as_of_steps*: the engine's history on
    the ``as_of`` periods' first days, when the caller has it.
    """
    members = [c for member in (group.members if group else ()) for c in member]
    periods = []
    for basis, (parameter, day_of) in _BASES.items():
        days = sorted({day_of(c) for c in [*claims, *members]})
        starts = [datetime.date.min, *days]
        ends = [*(d - datetime.timedelta(days=1) for d in days), END_OF_TIME]
        steps = as_of_steps if parameter == "as_of" else None
        if steps is None:
            steps = consensus.history(claims, starts, group=group, on=parameter)
        previous = consensus.UNKNOWN
        for start, end, result in zip(starts, ends, steps, strict=True):
            ids = {v.claim_id for v in result.verdicts}
            in_play = [c for c in claims if c.id in ids]
            changes_state = result.state != previous
            previous = result.state
            cause = ""
            if changes_state:
                that_day = {c.id for c in in_play if day_of(c) == start}
                causes = [
                    v for v in result.verdicts if v.role == "supports" and v.claim_id in that_day
                ]
                if causes:
                    cause = min(causes, key=lambda v: (-v.weight, v.claim_id)).claim_id
            periods.append(
                ConsensusPeriod(
                    monument_id=monument_id,
                    basis=basis,
                    valid_from=start,
                    valid_to=end,
                    state=result.state,
                    confidence=result.confidence,
                    independent_origins=result.independent_origins,
                    contested=result.contested,
                    single_origin=result.single_origin,
                    claim_count=len(in_play),
                    latest_observation=max((c.observed_until for c in in_play), default=None),
                    extent_destroyed=result.extent.destroyed if result.extent else None,
                    extent_affected=result.extent.affected if result.extent else None,
                    extent_restored=result.extent.restored if result.extent else None,
                    changes_state=changes_state,
                    cause=cause,
                )
            )
    return periods


@contextlib.contextmanager
def batched_refresh() -> Iterator[None]:
    """Collect refresh requests inside the block and run them once at its end (queued
    as a background job when they are more than :func:`inline_limit`)."""
    if _pending.get() is not None:  # already batching: the outer block refreshes
        yield
        return
    pending: set[int] = set()
    token = _pending.set(pending)
    try:
        with transaction.atomic():
            yield
            _pending.reset(token)
            token = None
            refresh_or_queue(
                monument_ids=pending, reason=f"{len(pending)} monuments changed together"
            )
    finally:
        if token is not None:
            _pending.reset(token)


def refresh_all(
    *, progress: Callable[[RefreshProgress], None] | None = None, atomic: bool = True
) -> int:
    """Recompute every monument's consensus (``manage.py refresh_consensus``), in
    batches of consecutive ids; return how many stored rows changed.

    With ``atomic=False`` each batch commits on its own (a background job: progress is
    visible to others, and a failure keeps the batches already done, which a rerun
    recomputes identically)."""
    ids = list(Monument.objects.order_by("pk").values_list("pk", flat=True))
    changed = 0
    context = transaction.atomic if atomic else contextlib.nullcontext
    with context():
        steps = refresh_batches(ids, whole_range=True)
        while True:
            with transaction.atomic():
                step = next(steps, None)
            if step is None:
                break
            changed = step.changed
            if progress is not None:
                progress(step)
        if changed:
            bump_revision()
    return changed


# --- Large recomputations in the background ------------------------------------------


def inline_limit() -> int:
    """Monuments a change may recompute inside its own transaction; more are queued."""
    return getattr(settings, "CONSENSUS_INLINE_LIMIT", 500)


def refresh_or_queue(*, monument_ids: Iterable[int], reason: str) -> ConsensusJob | None:
    """Recompute the given monuments now if they are few, else queue a background job
    (committed with the change that needs it) and return it.

    Inside :func:`batched_refresh` the ids join the batch, whose end decides."""
    ids = set(monument_ids)
    pending = _pending.get()
    if pending is not None:
        pending.update(ids)
        return None
    if len(ids) <= inline_limit():
        refresh_consensus(monument_ids=ids)
        return None
    return queue_refresh(monument_ids=ids, reason=reason)


def queue_refresh(*, monument_ids: Iterable[int], reason: str) -> ConsensusJob:
    """Record a recomputation and hand it to the task queue (the database)."""
    from heritage import tasks  # tasks import services

    ids = sorted(set(monument_ids))
    job = ConsensusJob.objects.create(reason=reason[:300], monument_ids=ids, total=len(ids))
    result = tasks.refresh_consensus_job.enqueue(job.pk)
    ConsensusJob.objects.filter(pk=job.pk, task_id="").update(task_id=str(result.id))
    job.refresh_from_db()
    return job


def run_refresh_job(*, job_id: int) -> int:
    """Recompute a queued job's monuments (and their groups) batch by batch, committing
    each batch with the job's progress; return how many stored statuses changed.

    A failure marks the job failed with the error and re-raises; the batches already
    committed are correct (each is a complete recomputation of its monuments)."""
    job = ConsensusJob.objects.get(pk=job_id)
    ids = sorted(set(job.monument_ids) | groups_of(job.monument_ids))
    ConsensusJob.objects.filter(pk=job_id).update(
        status=ConsensusJob.Status.RUNNING, started_at=timezone.now(), total=len(ids), done=0
    )
    changed = 0
    try:
        steps = refresh_batches(ids)
        while True:
            with transaction.atomic():
                step = next(steps, None)
                if step is None:
                    break
                changed = step.changed
                if step.batch_changed:
                    bump_revision()
                ConsensusJob.objects.filter(pk=job_id).update(done=step.done, changed=changed)
    except Exception as exc:
        ConsensusJob.objects.filter(pk=job_id).update(
            status=ConsensusJob.Status.FAILED, error=repr(exc), finished_at=timezone.now()
        )
        raise
    ConsensusJob.objects.filter(pk=job_id).update(
        status=ConsensusJob.Status.DONE, finished_at=timezone.now()
    )
    return changed


def monuments_of_sources(source_ids: Iterable[int]) -> set[int]:
    return set(
        DamageReport.objects.filter(source_id__in=list(source_ids)).values_list(
            "monument_id", flat=True
        )
    )


def monuments_of_outlets(outlet_ids: Iterable[int]) -> set[int]:
    ids = list(outlet_ids)
    return set(
        DamageReport.objects.filter(
            Q(source__outlet_id__in=ids) | Q(source__wire_credits__in=ids)
        ).values_list("monument_id", flat=True)
    )


# --- Derived data: search text and the registry's revision --------------------------


def update_search_text(*, monument_ids: Iterable[int]) -> None:
    """Store each monument's normalised name and aliases (two queries per
    :data:`REFRESH_BATCH` monuments, then one write each for those whose text changed)."""
    ids = sorted(set(monument_ids))
    for start in range(0, len(ids), REFRESH_BATCH):
        _update_search_text(ids[start : start + REFRESH_BATCH])


def _update_search_text(ids: list[int]) -> None:
    if not ids:
        return
    names: dict[int, list[str]] = defaultdict(list)
    current: dict[int, str] = {}
    for pk, name, text in Monument.objects.filter(pk__in=ids).values_list(
        "pk", "name", "search_text"
    ):
        names[pk].append(name)
        current[pk] = text
    for monument_id, alias in (
        Alias.objects.filter(monument_id__in=ids)
        .order_by("monument_id", "language", "name")
        .values_list("monument_id", "name")
    ):
        names[monument_id].append(alias)
    for pk in sorted(current):
        text = search_text(names[pk])
        if text != current[pk]:
            Monument.objects.filter(pk=pk).update(search_text=text)


def bump_revision() -> None:
    """Mark the registry as changed (ETag / Last-Modified of the API)."""
    now = timezone.now()
    if not Revision.objects.filter(pk=1).update(number=F("number") + 1, changed_at=now):
        Revision.objects.get_or_create(pk=1, defaults={"number": 1, "changed_at": now})


# Read by every API request (its ETag), so compiled once.
_REVISION = Prepared(
    lambda pk: Revision.objects.filter(pk=pk).values("number", "changed_at")[:1], pk=int
)


def current_revision() -> Revision:
    row = _REVISION.first(pk=1)
    return Revision(pk=1, **row) if row else Revision(pk=1, number=0, changed_at=None)


# --- Curator actions ---------------------------------------------------------------


@transaction.atomic
def review_reports(
    *, reports: Iterable[DamageReport], decision: str, reviewer, note: str = ""
) -> int:
    """Accept or reject drafted or earlier-reviewed claims; the consensus follows."""
    if decision not in REVIEW_DECISIONS:
        raise ValueError(NOT_A_DECISION)
    now = timezone.now()
    count = 0
    with batched_refresh():
        for report in reports:
            report.review_status = decision
            report.reviewed_by = reviewer
            report.reviewed_at = now
            report.review_note = note
            report.full_clean()
            report.save()
            count += 1
    return count


@transaction.atomic
def rank_report(*, report: DamageReport, rank: str, reason: str, curator) -> DamageReport:
    """Pin (preferred), discount (deprecated) or reset (normal) a claim, with a reason."""
    report.rank = rank
    report.rank_reason = reason
    report.ranked_by = curator
    report.ranked_at = timezone.now()
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def override_status(*, monument: Monument, state: str, reason: str, curator) -> StatusOverride:
    """Set a monument's published status whatever the evidence says, with a reason."""
    override = StatusOverride.objects.filter(monument=monument).first() or StatusOverride(
        monument=monument
    )
    override.state = state
    override.reason = reason
    override.decided_by = curator
    override.decided_at = timezone.now()
    override.full_clean()
    override.save()
    return override


@transaction.atomic
def clear_override(*, monument: Monument) -> None:
    for override in StatusOverride.objects.filter(monument=monument):
        override.delete()


@transaction.atomic
def set_outlet_reliability(*, outlet: Outlet, reliability: Decimal) -> Outlet:
    outlet.reliability = reliability
    outlet.full_clean()
    outlet.save()
    return outlet


# --- Photos ------------------------------------------------------------------------


@transaction.atomic
def store_photo(*, photo: Photo, image=None) -> Photo:
    """Validate and save a photo; a newly given image is stored without its GPS data
    and gets a thumbnail.

    Pass a new file as *image* rather than assigning it to the photo: it is checked
    with Pillow (heritage/images.py) before Django reads its dimensions, so a hostile
    file is refused with a ValidationError, never opened further.
    """
    if image is not None:
        try:
            images.validate_image(image)
        except ValidationError as exc:
            raise ValidationError({"image": exc.messages}) from None
        photo.image = image
    photo.full_clean()
    upload = photo.image
    if upload and not upload._committed:
        name = upload.name.rsplit("/", 1)[-1]
        cleaned = images.without_location(upload.file)
        if cleaned is not None:
            photo.image = ContentFile(cleaned, name=name)
        stem = name.rsplit(".", 1)[0]
        photo.thumbnail.save(
            f"{stem}-thumb.jpg", ContentFile(images.thumbnail(photo.image.file)), save=False
        )
    photo.save()
    return photo


# --- Reading the consensus of a past date ------------------------------------------


def consensus_at(
    *,
    monument_ids: Iterable[int],
    as_of: datetime.date | None = None,
    known_at: datetime.date | None = None,
) -> dict[int, tuple[consensus.Consensus, list[consensus.Claim]]]:
    """The consensus of each monument on *as_of* (by all the evidence held now) or as the
    registry could have stated it on *known_at*, with the claims it considered.

    A curator's override speaks of the present only, so a past date is evidence alone.
    A group's members' claims are read too. Four queries whatever the number of
    monuments.
    """
    ids = list(monument_ids)
    claims, groups = engine_inputs(ids)
    return {
        mid: (
            consensus.compute(
                claims.get(mid, []), as_of=as_of, known_at=known_at, group=groups.get(mid)
            ),
            claims.get(mid, []),
        )
        for mid in ids
    }


def consensus_timeline(*, monument_id: int) -> list[consensus.Change]:
    """Each change of a monument's evidence-based state (for a group, with its members'
    roll-up), oldest first (four queries)."""
    claims, groups = engine_inputs([monument_id])
    return consensus.timeline(claims.get(monument_id, []), group=groups.get(monument_id))
