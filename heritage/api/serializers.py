"""What the API returns, and the schema that describes it.

Lists are built from ``values()`` rows by plain functions (``monument_item`` …): one
query per page, no model instances, no per-field serializer machinery. The DRF
serializer classes below describe the same shapes for the OpenAPI schema; a contract
test checks that the two agree field for field.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from heritage import consensus as engine
from heritage.models import (
    ConsensusState,
    DamageCause,
    DamageState,
    EvidenceKind,
    MonumentKind,
    Rank,
    SourceKind,
)
from heritage.services import claim_ref

# --- Monuments -----------------------------------------------------------------------

MONUMENT_COLUMNS = (
    "id",
    "slug",
    "name",
    "kind",
    "site__slug",
    "part_of__slug",
    "latitude",
    "longitude",
    "location_precision_m",
    "updated_at",
    "consensus__state",
    "consensus__confidence",
    "consensus__independent_origins",
    "consensus__contested",
    "consensus__single_origin",
    "consensus__overridden",
    "consensus__claim_count",
    "consensus__latest_observation",
    "consensus__changed_at",
)

# One flat row per monument in CSV, in this order.
CSV_FIELDS = (
    "slug",
    "name",
    "kind",
    "site",
    "part_of",
    "latitude",
    "longitude",
    "location_precision_m",
    "state",
    "confidence",
    "independent_origins",
    "contested",
    "single_origin",
    "overridden",
    "claim_count",
    "latest_observation",
    "consensus_changed_at",
    "updated_at",
    "as_of",
)


def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _iso(value: datetime.date | datetime.datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
    return value.isoformat()


def consensus_from_row(row: dict, as_of: datetime.date) -> dict:
    """The consensus object from a stored row's columns (``consensus__…``)."""
    state = row["consensus__state"]
    if state is None:  # a monument created outside the services has no row yet
        return empty_consensus(as_of)
    return {
        "state": state,
        "confidence": row["consensus__confidence"],
        "independent_origins": row["consensus__independent_origins"],
        "contested": row["consensus__contested"],
        "single_origin": row["consensus__single_origin"],
        "overridden": row["consensus__overridden"],
        "claim_count": row["consensus__claim_count"],
        "latest_observation": _iso(row["consensus__latest_observation"]),
        "changed_at": _iso(row["consensus__changed_at"]),
        "as_of": as_of.isoformat(),
    }


def empty_consensus(as_of: datetime.date) -> dict:
    return {
        "state": engine.UNKNOWN,
        "confidence": 0.0,
        "independent_origins": 0,
        "contested": False,
        "single_origin": False,
        "overridden": False,
        "claim_count": 0,
        "latest_observation": None,
        "changed_at": None,
        "as_of": as_of.isoformat(),
    }


def consensus_from_result(result: engine.Consensus, claims: list[engine.Claim], as_of) -> dict:
    """The consensus object from a result computed for a past date (not stored)."""
    in_play = {v.claim_id for v in result.verdicts}
    observed = [c.observed_until for c in claims if c.id in in_play]
    return {
        "state": result.state,
        "confidence": result.confidence,
        "independent_origins": result.independent_origins,
        "contested": result.contested,
        "single_origin": result.single_origin,
        "overridden": result.overridden,
        "claim_count": len(in_play),
        "latest_observation": _iso(max(observed, default=None)),
        "changed_at": None,
        "as_of": as_of.isoformat(),
    }


def monument_item(row: dict, consensus: dict, base_url: str) -> dict:
    return {
        "slug": row["slug"],
        "url": f"{base_url}{row['slug']}/",
        "name": row["name"],
        "kind": row["kind"],
        "site": row["site__slug"],
        "part_of": row["part_of__slug"],
        "latitude": _number(row["latitude"]),
        "longitude": _number(row["longitude"]),
        "location_precision_m": row["location_precision_m"],
        "updated_at": _iso(row["updated_at"]),
        "consensus": consensus,
    }


def monument_csv_row(item: dict) -> list:
    c = item["consensus"]
    flat = {
        **{k: item[k] for k in ("slug", "name", "kind", "site", "part_of")},
        "latitude": item["latitude"],
        "longitude": item["longitude"],
        "location_precision_m": item["location_precision_m"],
        **{k: c[k] for k in ("state", "confidence", "independent_origins", "contested")},
        **{k: c[k] for k in ("single_origin", "overridden", "claim_count")},
        "latest_observation": c["latest_observation"],
        "consensus_changed_at": c["changed_at"],
        "updated_at": item["updated_at"],
        "as_of": c["as_of"],
    }
    return [flat[name] for name in CSV_FIELDS]


def monument_feature(item: dict) -> dict:
    """A GeoJSON Feature; a monument without coordinates has a null geometry."""
    geometry = None
    if item["latitude"] is not None and item["longitude"] is not None:
        geometry = {"type": "Point", "coordinates": [item["longitude"], item["latitude"]]}
    return {"type": "Feature", "id": item["slug"], "geometry": geometry, "properties": item}


# --- Claims --------------------------------------------------------------------------


def claim_item(report, verdict: dict | None = None) -> dict:
    """A claim with its source, from a DamageReport with source and outlet joined."""
    source = report.source
    item = {
        "claim": claim_ref(source.key, report.key),
        "monument": report.monument.slug,
        "source": source.key,
        "key": report.key,
        "state": report.state,
        "excerpt": report.excerpt,
        "attributed_to": report.attributed_to,
        "evidence": report.evidence,
        "observed_from": _iso(report.observed_from),
        "observed_to": _iso(report.observed_to),
        "cause": report.cause,
        "quantity": report.quantity,
        "inferred": report.inferred,
        "inference_note": report.inference_note,
        "rank": report.rank,
        "rank_reason": report.rank_reason,
        "source_title": source.title,
        "source_outlet": source.outlet.slug if source.outlet else None,
        "source_published_on": _iso(source.published_on),
        "source_url": source.url,
    }
    if verdict is not None:
        item.update(
            weight=verdict["weight"],
            origin=verdict["origin"],
            role=verdict["role"],
            reasons=list(verdict["reasons"]),
        )
    return item


def verdicts_of(result: engine.Consensus) -> list[dict]:
    return [
        {
            "claim": v.claim_id,
            "origin": v.origin,
            "weight": v.weight,
            "role": v.role,
            "reasons": list(v.reasons),
        }
        for v in result.verdicts
    ]


def evidence_sides(reports: list, verdicts: list[dict], state: str) -> dict[str, list[dict]]:
    """Split the claims behind a status into supporting, disputing and set aside."""
    by_ref = {claim_ref(r.source.key, r.key): r for r in reports}
    sides: dict[str, list[dict]] = {"supporting": [], "disputing": [], "set_aside": []}
    for verdict in verdicts:
        report = by_ref.get(verdict["claim"])
        if report is None:
            continue
        if verdict["role"] in ("superseded", "discounted"):
            side = "set_aside"
        elif report.state == state:
            side = "supporting"
        else:
            side = "disputing"
        sides[side].append(claim_item(report, verdict))
    return sides


# --- Schema (documentation) serializers ----------------------------------------------


class ConsensusSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=ConsensusState.choices)
    confidence = serializers.FloatField(min_value=0, max_value=1)
    independent_origins = serializers.IntegerField(
        help_text="Independent origins behind the evidence: wire copies count once."
    )
    contested = serializers.BooleanField(
        help_text="Origins two or more steps apart on the scale carry a real share of weight."
    )
    single_origin = serializers.BooleanField()
    overridden = serializers.BooleanField(help_text="A curator set this status, with a reason.")
    claim_count = serializers.IntegerField(help_text="Accepted claims considered.")
    latest_observation = serializers.DateField(allow_null=True)
    changed_at = serializers.DateTimeField(
        allow_null=True, help_text="When the stored status last changed (null for past dates)."
    )
    as_of = serializers.DateField(help_text="The date this status describes.")


class MonumentSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    url = serializers.URLField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=MonumentKind.choices)
    site = serializers.SlugField()
    part_of = serializers.SlugField(allow_null=True, help_text="The group it is a member of.")
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    location_precision_m = serializers.IntegerField(
        allow_null=True, help_text="How far the true position may be, in metres."
    )
    updated_at = serializers.DateTimeField()
    consensus = ConsensusSerializer()


class ClaimSerializer(serializers.Serializer):
    claim = serializers.CharField(help_text='Stable reference: "<source key>/<claim key>".')
    monument = serializers.SlugField()
    source = serializers.SlugField()
    key = serializers.SlugField()
    state = serializers.ChoiceField(choices=DamageState.choices)
    excerpt = serializers.CharField(help_text="The source's words, verbatim.")
    attributed_to = serializers.CharField(allow_blank=True)
    evidence = serializers.ChoiceField(choices=EvidenceKind.choices)
    observed_from = serializers.DateField(allow_null=True)
    observed_to = serializers.DateField(allow_null=True)
    cause = serializers.ChoiceField(choices=[("", ""), *DamageCause.choices])
    quantity = serializers.IntegerField(allow_null=True)
    inferred = serializers.BooleanField()
    inference_note = serializers.CharField(allow_blank=True)
    rank = serializers.ChoiceField(choices=Rank.choices)
    rank_reason = serializers.CharField(allow_blank=True)
    source_title = serializers.CharField()
    source_outlet = serializers.SlugField(allow_null=True)
    source_published_on = serializers.DateField()
    source_url = serializers.CharField(allow_blank=True)


class WeighedClaimSerializer(ClaimSerializer):
    weight = serializers.FloatField()
    origin = serializers.CharField(help_text="Key of the earliest source of its origin.")
    role = serializers.ChoiceField(
        choices=["supports", "disputes", "copy", "superseded", "discounted"]
    )
    reasons = serializers.ListField(child=serializers.CharField())


class ConsensusDetailSerializer(ConsensusSerializer):
    evidence_state = serializers.ChoiceField(
        choices=ConsensusState.choices, help_text="What the evidence alone says."
    )
    override_reason = serializers.CharField(allow_blank=True)
    supporting = WeighedClaimSerializer(many=True)
    disputing = WeighedClaimSerializer(many=True)
    set_aside = WeighedClaimSerializer(many=True, help_text="Superseded or discounted claims.")


class AliasSerializer(serializers.Serializer):
    name = serializers.CharField()
    language = serializers.CharField()


class PhotoSerializer(serializers.Serializer):
    key = serializers.SlugField()
    image = serializers.URLField()
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    caption = serializers.CharField(allow_blank=True)
    credit = serializers.CharField()
    taken_on = serializers.DateField(allow_null=True)
    source = serializers.SlugField(allow_null=True)


class MonumentDetailSerializer(MonumentSerializer):
    description = serializers.CharField(allow_blank=True)
    aliases = AliasSerializer(many=True)
    members = serializers.ListField(child=serializers.SlugField(), help_text="Member slugs.")
    photos = PhotoSerializer(many=True)
    claims = ClaimSerializer(many=True, help_text="Every accepted claim about the monument.")
    consensus = ConsensusDetailSerializer()


class TimelineEntrySerializer(serializers.Serializer):
    date = serializers.DateField(
        help_text="From this date on the evidence shows it (what as_of reads); = latest."
    )
    earliest = serializers.DateField(
        allow_null=True,
        help_text="The earliest day the change can have happened; null when nothing bounds it.",
    )
    latest = serializers.DateField(help_text="The latest day the change can have happened.")
    state = serializers.ChoiceField(choices=ConsensusState.choices)
    confidence = serializers.FloatField()
    claim = ClaimSerializer(allow_null=True, help_text="The claim whose observation caused it.")


class TimelineSerializer(serializers.Serializer):
    monument = serializers.SlugField()
    changes = TimelineEntrySerializer(many=True)
    current = ConsensusSerializer(help_text="The published status now (may be overridden).")


class SourceSerializer(serializers.Serializer):
    key = serializers.SlugField()
    url = serializers.URLField()
    kind = serializers.ChoiceField(choices=SourceKind.choices)
    title = serializers.CharField()
    outlet = serializers.SlugField(allow_null=True)
    byline = serializers.CharField(allow_blank=True)
    dateline = serializers.CharField(allow_blank=True)
    published_on = serializers.DateField()
    source_url = serializers.CharField(allow_blank=True, help_text="Where it was published.")
    language = serializers.CharField()
    wire_credits = serializers.ListField(child=serializers.SlugField())
    photo_credits = serializers.ListField(child=serializers.SlugField())
    wire_story = serializers.CharField(allow_blank=True)
    copies_passages_from = serializers.ListField(child=serializers.SlugField())
    claim_count = serializers.IntegerField(help_text="Accepted claims it makes.")


class SourceDetailSerializer(SourceSerializer):
    notes = serializers.CharField(allow_blank=True)
    copied_by = serializers.ListField(child=serializers.SlugField())
    claims = ClaimSerializer(many=True)


class SiteSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    country = serializers.CharField(allow_blank=True)
    description = serializers.CharField(allow_blank=True)
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    location_precision_m = serializers.IntegerField(allow_null=True)
    monument_count = serializers.IntegerField()


class PointSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Point"])
    coordinates = serializers.ListField(
        child=serializers.FloatField(),
        min_length=2,
        max_length=2,
        help_text="[longitude, latitude]",
    )


class FeatureSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Feature"])
    id = serializers.SlugField()
    geometry = PointSerializer(allow_null=True)
    properties = MonumentSerializer(help_text="The monument's fields, as in JSON.")


@extend_schema_serializer(many=False)  # one collection of every match, never paginated
class FeatureCollectionSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["FeatureCollection"])
    features = FeatureSerializer(many=True)
