"""Writes to the registry, and the loading and storing around the consensus engine.

Every change that the consensus depends on ends in :func:`refresh_consensus` in the
same transaction: the curator actions below call it directly; plain ORM saves
(admin forms, import/export, the shell) reach it through ``heritage/signals.py``;
``loaddata`` calls it once for everything it created.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from heritage import consensus, images
from heritage.models import (
    Alias,
    DamageReport,
    Monument,
    MonumentConsensus,
    Outlet,
    OutletKind,
    Photo,
    ReviewStatus,
    Revision,
    Source,
    StatusOverride,
)
from heritage.text import search_text

# Reliability of a source with neither an outlet nor a credit.
DEFAULT_RELIABILITY = 0.5

REVIEW_DECISIONS = (ReviewStatus.ACCEPTED, ReviewStatus.REJECTED)
NOT_A_DECISION = "A review decision is 'accepted' or 'rejected'."

_pending: contextvars.ContextVar[set[int] | None] = contextvars.ContextVar(
    "heritage_pending_refresh", default=None
)


# --- Loading claims for the engine -------------------------------------------------


def claims_by_monument(monument_ids: Iterable[int]) -> dict[int, list[consensus.Claim]]:
    """Accepted claims of the given monuments as engine input, in three queries.

    One for the reports with their sources and outlets, one for the sources'
    wire credits, one for the passages they copy.
    """
    reports = list(
        DamageReport.objects.accepted()
        .filter(monument_id__in=list(monument_ids))
        .select_related("source__outlet")
        .order_by("id")
    )
    source_ids = {r.source_id for r in reports}
    credits: dict[int, list[Outlet]] = defaultdict(list)
    for link in Source.wire_credits.through.objects.filter(
        source_id__in=source_ids
    ).select_related("outlet"):
        credits[link.source_id].append(link.outlet)
    copies: dict[int, set[str]] = defaultdict(set)
    for from_id, key in Source.copies_passages_from.through.objects.filter(
        from_source_id__in=source_ids
    ).values_list("from_source_id", "to_source__key"):
        copies[from_id].add(key)

    result: dict[int, list[consensus.Claim]] = defaultdict(list)
    for r in reports:
        result[r.monument_id].append(
            claim_from_report(r, credits=credits[r.source_id], copies=copies[r.source_id])
        )
    return result


def claim_ref(source_key: str, report_key: str) -> str:
    """How the consensus names a claim: by natural key, the same in every database."""
    return f"{source_key}/{report_key}"


def claim_from_report(
    report: DamageReport, *, credits: list[Outlet], copies: set[str]
) -> consensus.Claim:
    source = report.source
    return consensus.Claim(
        id=claim_ref(source.key, report.key),
        state=report.state,
        evidence=report.evidence,
        source_key=source.key,
        published_on=source.published_on,
        reliability=source_reliability(source.outlet, credits),
        observed_from=report.observed_from,
        observed_to=report.observed_to,
        wire_credits=frozenset(o.slug for o in credits if o.kind != OutletKind.UNNAMED_AGENCIES),
        wire_story=source.wire_story,
        copies_from=frozenset(copies),
        inferred=report.inferred,
        rank=report.rank,
        rank_reason=report.rank_reason,
    )


def source_reliability(outlet: Outlet | None, credits: Iterable[Outlet]) -> float:
    """A source is as reliable as the best of its outlet and the agencies it carries."""
    values = [float(o.effective_reliability) for o in [outlet, *credits] if o is not None]
    return max(values) if values else DEFAULT_RELIABILITY


def overrides_by_monument(monument_ids: Iterable[int]) -> dict[int, consensus.Override]:
    return {
        o.monument_id: consensus.Override(state=o.state, reason=o.reason)
        for o in StatusOverride.objects.filter(monument_id__in=list(monument_ids))
    }


# --- Storing the consensus ---------------------------------------------------------


@transaction.atomic
def refresh_consensus(*, monument_ids: Iterable[int], using: str = "default") -> int:
    """Recompute and store the consensus of the given monuments; return how many changed.

    Inside :func:`batched_refresh` the ids are collected and refreshed once at the
    end of the batch instead. A row is written only when the result differs, so a
    recomputation that changes nothing leaves ``changed_at`` alone.
    """
    ids = set(monument_ids)
    pending = _pending.get()
    if pending is not None:
        pending.update(ids)
        return 0
    if not ids:
        return 0
    claims = claims_by_monument(ids)
    overrides = overrides_by_monument(ids)
    stored = {c.monument_id: c for c in MonumentConsensus.objects.filter(monument_id__in=ids)}
    existing_ids = set(Monument.objects.filter(pk__in=ids).values_list("pk", flat=True))
    now = timezone.now()
    created, updated = [], []
    for mid in sorted(existing_ids):
        result = consensus.compute(claims.get(mid, []), override=overrides.get(mid))
        values = _stored_values(result, claims.get(mid, []))
        row = stored.get(mid)
        if row is None:
            created.append(MonumentConsensus(monument_id=mid, changed_at=now, **values))
            continue
        changed = [name for name, value in values.items() if getattr(row, name) != value]
        if changed:
            for name in changed:
                setattr(row, name, values[name])
            # changed_at is when the published status changed, not its explanation.
            if set(changed) - {"explanation"}:
                row.changed_at = now
            updated.append(row)
    MonumentConsensus.objects.bulk_create(created)
    MonumentConsensus.objects.bulk_update(updated, [*_STORED_FIELDS, "changed_at"])
    if created or updated:
        bump_revision()
    return len(created) + len(updated)


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
    "explanation",
]


def _stored_values(result: consensus.Consensus, claims: list[consensus.Claim]) -> dict:
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


@contextlib.contextmanager
def batched_refresh() -> Iterator[None]:
    """Collect refresh requests inside the block and run them once at its end."""
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
            refresh_consensus(monument_ids=pending)
    finally:
        if token is not None:
            _pending.reset(token)


def refresh_all() -> int:
    """Recompute every monument's consensus (``manage.py refresh_consensus``)."""
    return refresh_consensus(monument_ids=Monument.objects.values_list("pk", flat=True))


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
    """Store each monument's normalised name and aliases (two queries, then one write each
    for the monuments whose text changed)."""
    ids = set(monument_ids)
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


def current_revision() -> Revision:
    return Revision.objects.filter(pk=1).first() or Revision(pk=1, number=0, changed_at=None)


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
    Three queries whatever the number of monuments.
    """
    ids = list(monument_ids)
    claims = claims_by_monument(ids)
    return {
        mid: (
            consensus.compute(claims.get(mid, []), as_of=as_of, known_at=known_at),
            claims.get(mid, []),
        )
        for mid in ids
    }


def consensus_timeline(*, monument_id: int) -> list[consensus.Change]:
    """Each change of a monument's evidence-based state, oldest first (three queries)."""
    return consensus.timeline(claims_by_monument([monument_id]).get(monument_id, []))
