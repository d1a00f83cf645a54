"""What the API returns, described once.

Each output is a serializer class: its fields, their types and their help texts are the
OpenAPI schema, the README's tables, the CSV columns and the dataset's
``datapackage.json``. Every field's ``source`` names the ``values()`` column it reads
(``site__slug``), so the serializer can render a plain row dict. For speed the views do
not run DRF's per-field machinery on every row: :func:`builder` compiles a serializer
into a function from a row to the same dict (tests check the two agree), and
:func:`table` compiles it into a flat row of scalars for CSV and GeoJSON. A field added
to a serializer therefore appears in JSON, CSV, GeoJSON, JSON Lines, the schema and the
dataset at once.
"""

from __future__ import annotations

import datetime
from collections import ChainMap
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from heritage import consensus as engine
from heritage.models import (
    CLAIM_FIELDS,
    Composition,
    ConsensusState,
    DamageCause,
    DamageState,
    EvidenceKind,
    MonumentKind,
    Rank,
    SourceKind,
)
from heritage.services import claim_ref

# --- value conversions (the same ones DRF's fields apply) ----------------------------


def _number(value: Decimal | float) -> float:
    return float(value)


# The exports read rows straight from the database cursor (formats.read), where
# SQLite gives text for dates and times and 0/1 for booleans: these accept both.


def _datetime(value) -> str:
    if isinstance(value, str):  # SQLite without converters: "YYYY-MM-DD HH:MM:SS[.ffffff]"
        return value.replace(" ", "T", 1) + "Z"
    if value.tzinfo is None:  # SQLite stores UTC without an offset
        return value.isoformat() + "Z"
    return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


def _date(value) -> str:
    return value if isinstance(value, str) else value.isoformat()


def _same(value):
    return value


def converter(field: serializers.Field) -> Callable[[Any], Any]:
    """How a field turns a non-null database value into its JSON value."""
    if isinstance(field, serializers.DateTimeField):
        return _datetime
    if isinstance(field, serializers.DateField):
        return _date
    if isinstance(field, serializers.FloatField):
        return _number
    if isinstance(field, serializers.BooleanField):
        return bool
    if isinstance(field, serializers.ListField):
        return list
    return _same


# --- fields that are computed rather than read ----------------------------------------


class LinkField(serializers.Field):
    """The API address of a record, from its key and the ``base_url`` in the context."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return f"{self.context['base_url']}{value}/"


extend_schema_field({"type": "string", "format": "uri"})(LinkField)


class ContextField(serializers.Field):
    """A value the view states for the whole response (``as_of``), from the context."""

    def __init__(self, name: str, **kwargs):
        self.context_name = name
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return self.context[self.context_name]


extend_schema_field({"type": "string", "format": "date"})(ContextField)


class ClaimRefField(serializers.Field):
    """``<source key>/<claim key>``, the claim's stable reference."""

    def __init__(self, **kwargs):
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, row):
        return claim_ref(row["source__key"], row["key"])


extend_schema_field(str)(ClaimRefField)


# --- compiling a serializer -----------------------------------------------------------
#
# A serializer is compiled once into a Python function whose body reads each field's
# column and applies its conversion inline (no call per field, no DRF machinery per
# row): this is what keeps the lists and the exports near the SQL floor.

Row = Mapping[str, Any]
Builder = Callable[[Row, dict], dict]
LIST_SEPARATOR = "; "


def _expression(field: serializers.Field, namespace: dict) -> str:
    """Python source computing *field*'s value from ``row`` and ``ctx``."""
    if isinstance(field, serializers.BaseSerializer):
        # A nested object (source "*": the same row), a nested row, or a list of rows.
        name = f"nested{len(namespace)}"
        many = isinstance(field, serializers.ListSerializer)
        namespace[name] = builder(type(field.child if many else field))
        value = "row" if field.source == "*" else f"row[{field.source!r}]"
        if many:
            return f"[{name}(r, ctx) for r in {value}]"
        if field.allow_null:
            return f"(None if (v := {value}) is None else {name}(v, ctx))"
        return f"{name}({value}, ctx)"
    if isinstance(field, LinkField):
        return f"base_url + row[{field.source!r}] + '/'"
    if isinstance(field, ContextField):
        return f"ctx[{field.context_name!r}]"
    if isinstance(field, ClaimRefField):
        return "claim_ref(row['source__key'], row['key'])"
    source = repr(field.source)
    if isinstance(field, serializers.ListField):
        return f"list(row[{source}])"
    convert = converter(field)
    if convert is _same:
        return f"row[{source}]"
    name = f"convert{len(namespace)}"
    namespace[name] = convert
    return f"(None if (v := row[{source}]) is None else {name}(v))"


def _compile(fields: list[tuple[str, serializers.Field]], prepares: list, label: str) -> Callable:
    namespace: dict[str, Any] = {"claim_ref": claim_ref}
    lines = ["def build(row, ctx):"]
    for n, prepare in enumerate(prepares):
        namespace[f"prepare{n}"] = prepare
        lines.append(f"    row = prepare{n}(row)")
    lines.append("    base_url = ctx.get('base_url')")
    values = [(name, _expression(field, namespace)) for name, field in fields]
    lines.append("    return {" + ", ".join(f"{n!r}: {e}" for n, e in values) + "}")
    code = compile("\n".join(lines), f"<builder of {label}>", "exec")
    exec(code, namespace)  # the source is generated above from the field definitions
    return namespace["build"]


_BUILDERS: dict[type, Builder] = {}


def builder(serializer_class: type[serializers.Serializer]) -> Builder:
    """A fast function ``(row, context) -> dict`` equal to ``serializer(row).data``."""
    if serializer_class not in _BUILDERS:
        prepare = getattr(serializer_class, "prepare_row", None)
        _BUILDERS[serializer_class] = _compile(
            list(serializer_class().fields.items()),
            [prepare] if prepare else [],
            label=serializer_class.__name__,
        )
    return _BUILDERS[serializer_class]


def columns(serializer_class: type[serializers.Serializer]) -> tuple[str, ...]:
    """The ``values()`` columns a serializer reads (nested serializers included)."""
    names: list[str] = []
    for field in serializer_class().fields.values():
        if isinstance(field, serializers.ListSerializer) or (
            isinstance(field, serializers.BaseSerializer) and field.source != "*"
        ):
            continue  # rows of their own, read apart
        if isinstance(field, serializers.BaseSerializer):
            names += columns(type(field))
        elif isinstance(field, ContextField):
            continue
        elif isinstance(field, ClaimRefField):
            names += ["source__key", "key"]
        elif "__" in field.source or field.source in getattr(
            serializer_class.Meta, "model_columns", ()
        ):
            names.append(field.source)
    return tuple(dict.fromkeys(names))


@dataclass(frozen=True)
class Column:
    """One column of a flat table (CSV, GeoJSON properties, the dataset)."""

    name: str
    field: serializers.Field


def _flat_fields(serializer_class) -> tuple[list[tuple[str, serializers.Field]], list]:
    """Flat (name, field) pairs: a nested object's fields come in its place (renamed by
    its ``Meta.flat_names``); and the nested serializers' row preparations."""
    pairs: list[tuple[str, serializers.Field]] = []
    prepares: list = []
    flat_names = getattr(getattr(serializer_class, "Meta", None), "flat_names", {})
    for name, field in serializer_class().fields.items():
        if isinstance(field, serializers.BaseSerializer):
            nested, nested_prepares = _flat_fields(type(field))
            pairs += nested
            prepares += nested_prepares
            if hasattr(type(field), "prepare_row"):
                prepares.append(type(field).prepare_row)
            continue
        pairs.append((flat_names.get(name, name), field))
    return pairs, prepares


def table(serializer_class: type[serializers.Serializer]) -> list[Column]:
    """The serializer's fields as flat scalar columns: a nested object's fields come in
    its place, a list becomes text joined by "; "."""
    return [Column(name, field) for name, field in _flat_fields(serializer_class)[0]]


# --- Consensus ------------------------------------------------------------------------

CONSENSUS_NAMES = (
    "state",
    "confidence",
    "independent_origins",
    "contested",
    "single_origin",
    "overridden",
    "claim_count",
    "latest_observation",
    "changed_at",
    "extent_destroyed",
    "extent_affected",
    "extent_restored",
)

EMPTY_CONSENSUS_ROW = {
    "consensus__state": engine.UNKNOWN,
    "consensus__confidence": 0.0,
    "consensus__independent_origins": 0,
    "consensus__contested": False,
    "consensus__single_origin": False,
    "consensus__overridden": False,
    "consensus__claim_count": 0,
    "consensus__latest_observation": None,
    "consensus__changed_at": None,
    "consensus__extent_destroyed": None,
    "consensus__extent_affected": None,
    "consensus__extent_restored": None,
}


class ExtentSerializer(serializers.Serializer):
    """How much of a group the evidence says is affected (README, Consensus: groups and
    extent). For a monument that is not a group every count is null."""

    members = serializers.IntegerField(
        source="member_count",
        allow_null=True,
        help_text="How many members the group has, known or estimated; null when unknown "
        "(or not a group).",
    )
    members_approximate = serializers.BooleanField(
        source="member_count_approximate",
        help_text="The number of members is an estimate (shown as ~50).",
    )
    destroyed = serializers.IntegerField(
        source="consensus__extent_destroyed",
        allow_null=True,
        help_text="Members destroyed: the larger of those known one by one and the "
        "largest number a counted claim gives (not their sum); null for a monument "
        "that is not a group.",
    )
    affected = serializers.IntegerField(
        source="consensus__extent_affected",
        allow_null=True,
        help_text="Members damaged, severely damaged or destroyed (destroyed included); "
        "null for a monument that is not a group.",
    )
    restored = serializers.IntegerField(
        source="consensus__extent_restored",
        allow_null=True,
        help_text="Members restored; null for a monument that is not a group.",
    )

    class Meta:
        model_columns = ("member_count", "member_count_approximate")
        flat_names = {
            "members": "extent_members",
            "members_approximate": "extent_members_approximate",
            "destroyed": "extent_destroyed",
            "affected": "extent_affected",
            "restored": "extent_restored",
        }


class ConsensusSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        source="consensus__state",
        choices=ConsensusState.choices,
        help_text="The state the evidence supports: intact, damaged, severely_damaged, "
        "destroyed, restored, or unknown when no accepted claim speaks of it.",
    )
    confidence = serializers.FloatField(
        source="consensus__confidence",
        min_value=0,
        max_value=1,
        help_text="How strongly the evidence supports the state, from 0 to 1.",
    )
    independent_origins = serializers.IntegerField(
        source="consensus__independent_origins",
        help_text="Independent origins behind the evidence: copies of one wire story count once.",
    )
    contested = serializers.BooleanField(
        source="consensus__contested",
        help_text="Origins two or more steps apart on the scale carry a real share of weight.",
    )
    single_origin = serializers.BooleanField(
        source="consensus__single_origin", help_text="Everything rests on one origin."
    )
    overridden = serializers.BooleanField(
        source="consensus__overridden", help_text="A curator set this status, with a reason."
    )
    claim_count = serializers.IntegerField(
        source="consensus__claim_count", help_text="Accepted claims considered."
    )
    latest_observation = serializers.DateField(
        source="consensus__latest_observation",
        allow_null=True,
        help_text="End of the latest observation considered.",
    )
    changed_at = serializers.DateTimeField(
        source="consensus__changed_at",
        allow_null=True,
        help_text="When the stored status last changed: for a monument never refreshed, "
        "when it was created (null for past dates).",
    )
    as_of = ContextField("as_of", help_text="The date this status describes.")
    extent = ExtentSerializer(
        source="*",
        help_text="For a group: how many of its members are affected, and of how many.",
    )

    class Meta:
        flat_names = {"changed_at": "consensus_changed_at"}

    @staticmethod
    def prepare_row(row: Row) -> Row:
        """A monument created outside the services has no stored consensus yet."""
        if row["consensus__state"] is None:
            # Overlaid, not copied: the row may be a model instance read by key.
            return ChainMap(EMPTY_CONSENSUS_ROW, row)
        return row

    def to_representation(self, instance):
        return super().to_representation(self.prepare_row(instance))


def consensus_row(result: engine.Consensus, claims: list[engine.Claim]) -> dict:
    """The ``consensus__…`` columns of a result computed for a past date (not stored)."""
    in_play = {v.claim_id for v in result.verdicts}
    observed = [c.observed_until for c in claims if c.id in in_play]
    return {
        "consensus__state": result.state,
        "consensus__confidence": result.confidence,
        "consensus__independent_origins": result.independent_origins,
        "consensus__contested": result.contested,
        "consensus__single_origin": result.single_origin,
        "consensus__overridden": result.overridden,
        "consensus__claim_count": len(in_play),
        "consensus__latest_observation": max(observed, default=None),
        "consensus__changed_at": None,
        "consensus__extent_destroyed": result.extent.destroyed if result.extent else None,
        "consensus__extent_affected": result.extent.affected if result.extent else None,
        "consensus__extent_restored": result.extent.restored if result.extent else None,
    }


def stored_consensus_row(stored) -> dict:
    """A stored ``MonumentConsensus`` (or None) as the ``consensus__…`` columns."""
    return {f"consensus__{n}": getattr(stored, n) if stored else None for n in CONSENSUS_NAMES}


def consensus_item(row: Row, as_of: datetime.date) -> dict:
    """The status of a row of ``consensus__…`` columns and the monument's
    ``member_count`` and ``member_count_approximate``."""
    return builder(ConsensusSerializer)(row, {"as_of": as_of.isoformat()})


# --- Monuments ------------------------------------------------------------------------


class MonumentSerializer(serializers.Serializer):
    slug = serializers.SlugField(
        help_text="The monument's stable identifier in the registry (temple-of-bel)."
    )
    url = LinkField(source="slug", help_text="This monument's record in the API.")
    name = serializers.CharField(help_text="English name.")
    kind = serializers.ChoiceField(choices=MonumentKind.choices, help_text="Kind of monument.")
    site = serializers.SlugField(source="site__slug", help_text="Slug of its site.")
    part_of = serializers.SlugField(
        source="part_of__slug",
        allow_null=True,
        help_text="Slug of the group it is a member of (tower-tombs) or of the whole it is "
        "a part of (a minaret's mosque), or null.",
    )
    composition = serializers.ChoiceField(
        choices=Composition.choices,
        help_text="How its members relate to it, if it has any: whole (its members are "
        "its parts: a mosque and its minaret) or group (like members, counted: the "
        "tower tombs; only a group has an extent).",
    )
    latitude = serializers.FloatField(allow_null=True, help_text="WGS 84 degrees north.")
    longitude = serializers.FloatField(allow_null=True, help_text="WGS 84 degrees east.")
    location_precision_m = serializers.IntegerField(
        allow_null=True, help_text="How far the true position may be, in metres."
    )
    wikidata = serializers.CharField(
        allow_blank=True, help_text="Wikidata item of the same place (Q…), or empty."
    )
    geonames = serializers.CharField(
        allow_blank=True, help_text="GeoNames feature ID of the same place, or empty."
    )
    pleiades = serializers.CharField(
        allow_blank=True, help_text="Pleiades place ID of the same ancient place, or empty."
    )
    updated_at = serializers.DateTimeField(help_text="When the monument's record last changed.")
    consensus = ConsensusSerializer(source="*", help_text="The published status.")

    class Meta:
        model_columns = (
            "id",
            "slug",
            "name",
            "kind",
            "composition",
            "latitude",
            "longitude",
            "location_precision_m",
            "wikidata",
            "geonames",
            "pleiades",
            "updated_at",
        )


MONUMENT_COLUMNS = ("id", *columns(MonumentSerializer))


def monument_item(row: Row, context: dict) -> dict:
    """A monument of the list, from a row of ``MONUMENT_COLUMNS``.

    ``context`` holds ``base_url`` (the monuments' API address) and ``as_of``."""
    return builder(MonumentSerializer)(row, context)


class MonumentTableSerializer(MonumentSerializer):
    """A monument as one flat row (CSV, GeoJSON, the dataset): the list's fields with the
    consensus in place, then the aliases. Before ``aliases`` come ``name_<language>``
    columns, one per alias language in the registry (at least ``name_ar`` and
    ``name_fr``): the first alias in that language, alphabetically."""

    aliases = serializers.CharField(
        allow_blank=True,
        help_text='Every alias as "language:name", separated by "; ".',
    )


NAME_LANGUAGES = ("ar", "fr")


def name_column(language: str) -> str:
    return f"name_{language.replace('-', '_').lower()}"


# --- Claims ---------------------------------------------------------------------------


class ClaimSerializer(serializers.Serializer):
    claim = ClaimRefField(help_text='Stable reference: "<source key>/<claim key>".')
    monument = serializers.SlugField(
        source="monument__slug", help_text="Slug of the monument it is about."
    )
    source = serializers.SlugField(source="source__key", help_text="Key of the source making it.")
    key = serializers.SlugField(help_text="Its key within the source.")
    state = serializers.ChoiceField(choices=DamageState.choices, help_text="The state claimed.")
    excerpt = serializers.CharField(help_text="The source's words, verbatim.")
    attributed_to = serializers.CharField(
        allow_blank=True, help_text="Who the source says saw or said it."
    )
    evidence = serializers.ChoiceField(
        choices=EvidenceKind.choices, help_text="The kind of evidence."
    )
    observed_from = serializers.DateField(
        allow_null=True, help_text="When the observation or event started."
    )
    observed_to = serializers.DateField(
        allow_null=True, help_text="When the observation or event ended."
    )
    cause = serializers.ChoiceField(
        choices=[("", ""), *DamageCause.choices],
        allow_blank=True,
        help_text="Cause of the damage, if stated (empty otherwise).",
    )
    quantity = serializers.IntegerField(
        allow_null=True, help_text="How many members of a group it speaks of."
    )
    inferred = serializers.BooleanField(
        help_text="A vague reference the curators linked to this monument."
    )
    inference_note = serializers.CharField(
        allow_blank=True, help_text="Why the vague reference is read as this monument."
    )
    rank = serializers.ChoiceField(
        choices=Rank.choices, help_text="A curator's preferred / normal / deprecated."
    )
    rank_reason = serializers.CharField(allow_blank=True, help_text="Why it was ranked so.")
    source_title = serializers.CharField(source="source__title", help_text="The source's title.")
    source_outlet = serializers.SlugField(
        source="source__outlet__slug",
        allow_null=True,
        help_text="Slug of the source's outlet, or null when unnamed.",
    )
    source_published_on = serializers.DateField(
        source="source__published_on", help_text="When the source was published."
    )
    source_url = serializers.CharField(
        source="source__url", allow_blank=True, help_text="Where the source was published."
    )

    class Meta:
        # What a claim says (its monument is given apart), then the curator's rank.
        model_columns = (
            "key",
            *(name for name in CLAIM_FIELDS if name != "monument"),
            "rank",
            "rank_reason",
        )


CLAIM_COLUMNS = columns(ClaimSerializer)


def claim_item(row: Row) -> dict:
    """A claim from a row of ``CLAIM_COLUMNS``."""
    return builder(ClaimSerializer)(row, {})


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


def evidence_sides(claims: list[Row], verdicts: list[dict], state: str) -> dict[str, list[Row]]:
    """Split the claims behind a status into supporting, disputing and set aside: rows of
    ``CLAIM_COLUMNS`` with their verdict's weight, origin, role and reasons (the rows
    :class:`WeighedClaimSerializer` reads)."""
    by_ref = {claim_ref(c["source__key"], c["key"]): c for c in claims}
    sides: dict[str, list[Row]] = {"supporting": [], "disputing": [], "set_aside": []}
    for verdict in verdicts:
        claim = by_ref.get(verdict["claim"])
        if claim is None:
            continue
        if verdict["role"] in ("superseded", "discounted"):
            side = "set_aside"
        elif verdict["role"] == "supports" or (
            # A claim about some members of a group supports the group state its share
            # implies (its role says so), not its own state.
            verdict["role"] == "copy" and claim["state"] == state
        ):
            side = "supporting"
        else:
            side = "disputing"
        weighed = {name: verdict[name] for name in ("weight", "origin", "role", "reasons")}
        sides[side].append(ChainMap(weighed, claim))
    return sides


# --- Sources --------------------------------------------------------------------------


class SourceSerializer(serializers.Serializer):
    key = serializers.SlugField(help_text="The source's stable key.")
    url = LinkField(source="key", help_text="This source's record in the API.")
    kind = serializers.ChoiceField(
        choices=SourceKind.choices,
        help_text="article, statement, imagery_report or field_report.",
    )
    title = serializers.CharField(help_text="Title as published.")
    outlet = serializers.SlugField(
        source="outlet__slug",
        allow_null=True,
        help_text="Slug of the publishing outlet, or null when the copy does not name it.",
    )
    byline = serializers.CharField(allow_blank=True, help_text="Byline as published.")
    dateline = serializers.CharField(allow_blank=True, help_text="Place of the dateline.")
    published_on = serializers.DateField(help_text="Publication date.")
    source_url = serializers.CharField(
        source="url", allow_blank=True, help_text="Where it was published."
    )
    language = serializers.CharField(help_text="Language of the text (BCP 47 tag).")
    wire_credits = serializers.ListField(
        child=serializers.SlugField(),
        help_text="Slugs of agencies whose copy it carries (afp, reuters…).",
    )
    photo_credits = serializers.ListField(
        child=serializers.SlugField(), help_text="Slugs of agencies credited for its photos."
    )
    wire_story = serializers.CharField(
        allow_blank=True, help_text="Key of the wire story it carries, when known."
    )
    copies_passages_from = serializers.ListField(
        child=serializers.SlugField(), help_text="Keys of earlier sources it repeats verbatim."
    )
    claim_count = serializers.IntegerField(help_text="Accepted claims it makes.")

    class Meta:
        model_columns = (
            "id",
            "key",
            "kind",
            "title",
            "byline",
            "dateline",
            "published_on",
            "url",
            "language",
            "wire_story",
        )
        # Filled per page or chunk from the link tables and the claims
        # (see formats.attach_source_links).
        link_columns = ("wire_credits", "photo_credits", "copies_passages_from", "claim_count")


SOURCE_COLUMNS = ("id", *columns(SourceSerializer))


def source_item(row: Row, context: dict) -> dict:
    return builder(SourceSerializer)(row, context)


class SourceDetailSerializer(SourceSerializer):
    notes = serializers.CharField(allow_blank=True, help_text="The curators' notes.")
    copied_by = serializers.ListField(
        child=serializers.SlugField(), help_text="Keys of later sources that repeat it."
    )
    claims = ClaimSerializer(many=True, help_text="Its accepted claims.")


# --- Sites ----------------------------------------------------------------------------


class SiteSerializer(serializers.Serializer):
    slug = serializers.SlugField(help_text="The site's stable identifier (palmyra).")
    url = LinkField(source="slug", help_text="This site's record in the API.")
    name = serializers.CharField(help_text="English name.")
    country = serializers.CharField(allow_blank=True, help_text="ISO 3166-1 alpha-2 code.")
    description = serializers.CharField(allow_blank=True, help_text="Free text.")
    latitude = serializers.FloatField(allow_null=True, help_text="WGS 84 degrees north.")
    longitude = serializers.FloatField(allow_null=True, help_text="WGS 84 degrees east.")
    location_precision_m = serializers.IntegerField(
        allow_null=True, help_text="How far the true centre may be, in metres."
    )
    wikidata = serializers.CharField(
        allow_blank=True, help_text="Wikidata item of the same place (Q…), or empty."
    )
    geonames = serializers.CharField(
        allow_blank=True, help_text="GeoNames feature ID of the same place, or empty."
    )
    pleiades = serializers.CharField(
        allow_blank=True, help_text="Pleiades place ID of the same ancient place, or empty."
    )
    monument_count = serializers.IntegerField(help_text="Monuments recorded in it.")

    class Meta:
        model_columns = (
            "slug",
            "name",
            "country",
            "description",
            "latitude",
            "longitude",
            "location_precision_m",
            "wikidata",
            "geonames",
            "pleiades",
            "monument_count",
        )


SITE_COLUMNS = columns(SiteSerializer)


def site_item(row: Row, context: dict) -> dict:
    return builder(SiteSerializer)(row, context)


# --- Detail and timeline (built from instances; described here for the schema) --------


class WeighedClaimSerializer(ClaimSerializer):
    weight = serializers.FloatField(help_text="The claim's weight in the consensus.")
    origin = serializers.CharField(help_text="Key of the earliest source of its origin.")
    role = serializers.ChoiceField(
        choices=["supports", "disputes", "copy", "superseded", "discounted"],
        help_text="What the claim does in the consensus.",
    )
    reasons = serializers.ListField(
        child=serializers.CharField(), help_text="Why it weighs what it weighs, in words."
    )


class ConsensusDetailSerializer(ConsensusSerializer):
    evidence_state = serializers.ChoiceField(
        choices=ConsensusState.choices,
        help_text="What the evidence alone says (differs from state under an override).",
    )
    override_reason = serializers.CharField(
        allow_blank=True, help_text="The curator's reason, when overridden."
    )
    supporting = WeighedClaimSerializer(many=True, help_text="Claims that agree with the state.")
    disputing = WeighedClaimSerializer(many=True, help_text="Claims that disagree.")
    set_aside = WeighedClaimSerializer(many=True, help_text="Superseded or discounted claims.")


class AliasSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The alias as written.")
    language = serializers.CharField(help_text="Its language (BCP 47 tag: en, ar, fr…).")


class PhotoSerializer(serializers.Serializer):
    key = serializers.SlugField(help_text="The photo's key.")
    image = serializers.URLField(help_text="Address of the image file.")
    width = serializers.IntegerField(allow_null=True, help_text="Width in pixels.")
    height = serializers.IntegerField(allow_null=True, help_text="Height in pixels.")
    caption = serializers.CharField(allow_blank=True, help_text="Caption.")
    credit = serializers.CharField(help_text="Who took or owns the photo.")
    taken_on = serializers.DateField(allow_null=True, help_text="When it was taken.")
    source = serializers.SlugField(allow_null=True, help_text="Key of the source it comes from.")


class MonumentDetailSerializer(MonumentSerializer):
    description = serializers.CharField(allow_blank=True, help_text="Free text.")
    aliases = AliasSerializer(many=True, help_text="Other names, with their languages.")
    members = serializers.ListField(
        child=serializers.SlugField(), help_text="Slugs of its members, for a group."
    )
    photos = PhotoSerializer(many=True, help_text="Photos of the monument.")
    claims = ClaimSerializer(many=True, help_text="Every accepted claim about the monument.")
    consensus = ConsensusDetailSerializer(source="*", help_text="The status and its evidence.")

    class Meta(MonumentSerializer.Meta):
        model_columns = (*MonumentSerializer.Meta.model_columns, "description")


# The detail's own row: the list's columns, the description, and what the status's
# evidence and the linked-data document need (aliases, members, photos and claims are
# rows read apart and set on it by the view).
MONUMENT_DETAIL_COLUMNS = (
    "id",
    *columns(MonumentDetailSerializer),
    "consensus__evidence_state",
    "consensus__explanation",
    "status_override__reason",
    "site__name",
    "site__wikidata",
    "site__geonames",
    "site__pleiades",
)


def monument_detail_item(row: Row, context: dict) -> dict:
    """A monument's detail from a row of ``MONUMENT_DETAIL_COLUMNS`` with ``aliases``,
    ``members``, ``photos``, ``claims``, ``evidence_state``, ``override_reason``,
    ``supporting``, ``disputing`` and ``set_aside`` set (see ``MonumentViewSet``)."""
    return builder(MonumentDetailSerializer)(row, context)


class TimelineEntrySerializer(serializers.Serializer):
    date = serializers.DateField(
        help_text="From this date on the evidence shows the state (what as_of reads); "
        "the same day as latest."
    )
    earliest = serializers.DateField(
        allow_null=True,
        help_text="The earliest day the change can have happened; null when nothing bounds it.",
    )
    latest = serializers.DateField(help_text="The latest day the change can have happened.")
    state = serializers.ChoiceField(
        choices=ConsensusState.choices, help_text="The state from this date."
    )
    confidence = serializers.FloatField(help_text="Its confidence, from 0 to 1.")
    claim = ClaimSerializer(allow_null=True, help_text="The claim whose observation caused it.")


class TimelineSerializer(serializers.Serializer):
    monument = serializers.SlugField(help_text="The monument's slug.")
    changes = TimelineEntrySerializer(many=True, help_text="Each change of state, oldest first.")
    current = ConsensusSerializer(help_text="The published status now (may be overridden).")


def timeline_item(row: Row, context: dict) -> dict:
    """A timeline from ``{"monument", "changes", "current"}``: the stored changes, each
    with its ``claim`` row or None, and the monument's row of stored status columns;
    ``context`` holds today's ``as_of``."""
    return builder(TimelineSerializer)(row, context)


# --- GeoJSON (schema only: features are built from the table columns) -----------------


class PointSerializer(serializers.Serializer):
    type = serializers.CharField(help_text='Always "Point".')
    coordinates = serializers.ListField(
        child=serializers.FloatField(),
        min_length=2,
        max_length=2,
        help_text="[longitude, latitude], WGS 84.",
    )


def feature_collection_serializer(
    name: str, properties: type[serializers.Serializer]
) -> type[serializers.Serializer]:
    """The GeoJSON schema of a list: a FeatureCollection of points whose properties are
    the flat table columns of *properties*."""
    flat = {
        column.name: _schema_copy(column.field)
        for column in table(properties)
        if column.name not in ("latitude", "longitude")
    }
    props = type(f"{name}Properties", (serializers.Serializer,), flat)
    feature = type(
        f"{name}Feature",
        (serializers.Serializer,),
        {
            "type": serializers.CharField(help_text='Always "Feature".'),
            "id": serializers.SlugField(help_text="The record's slug."),
            "geometry": PointSerializer(allow_null=True, help_text="Null without coordinates."),
            "properties": props(help_text="Flat scalar columns, as in CSV."),
        },
    )
    collection = type(
        f"{name}FeatureCollection",
        (serializers.Serializer,),
        {
            "type": serializers.CharField(help_text='Always "FeatureCollection".'),
            "features": feature(many=True, help_text="One feature per record."),
        },
    )
    return extend_schema_serializer(many=False)(collection)


def _schema_copy(field: serializers.Field) -> serializers.Field:
    """A fresh field of the same type and documentation (for a flat schema)."""
    kwargs = {"help_text": field.help_text, "read_only": True}
    if isinstance(field, serializers.ListField):
        return serializers.CharField(
            help_text=f"{field.help_text} Joined by '; '.", read_only=True
        )
    if isinstance(field, LinkField | ContextField | ClaimRefField):
        return serializers.CharField(**kwargs)
    if isinstance(field, serializers.ChoiceField):
        kwargs["choices"] = field.choices
    if getattr(field, "allow_null", False):
        kwargs["allow_null"] = True
    return type(field)(**kwargs)


def values_in(rows: Iterable[Row], serializer_class, context: dict) -> list[dict]:
    """Render rows with DRF itself (slow; for tests that check :func:`builder`)."""
    return [dict(serializer_class(row, context=context).data) for row in rows]
