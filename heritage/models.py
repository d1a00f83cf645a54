"""The registry's records: places, sources, the claims sources make, photos.

Every model a fixture can hold has a natural key (``natural_key()`` and
``objects.get_by_natural_key()``), so fixtures refer to ``temple-of-bel`` or to a
source's key, never to a numeric primary key.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
)
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from heritage import history as change_history
from heritage.images import validate_image

# Messages that tests import, so a reworded rule and its test move together.
OBSERVED_AFTER_PUBLICATION = (
    "The observation cannot be after the source's publication date ({published})."
)
OBSERVED_IN_FUTURE = "The observation date cannot be in the future."
PUBLISHED_BEFORE_OBSERVATION = (
    "Claim {claim} speaks of {observed}: the source cannot be published before it."
)
OBSERVED_RANGE_REVERSED = "The end of the observed range is before its start."
OBSERVED_END_WITHOUT_START = "Give the start of the observed range too (the same date if exact)."
QUANTITY_ZERO = (
    "A claim about members covers at least one: leave the quantity empty for a claim "
    "about the whole group."
)
INFERRED_NEEDS_NOTE = "Say why this vague reference is read as this monument."
REJECTED_NEEDS_NOTE = "A rejected claim needs a note saying why."
DRAFT_HAS_REVIEW = "A drafted claim has no reviewer or review time yet."
COORDINATES_NEED_PRECISION = "Coordinates need a stated precision in metres."
COORDINATES_INCOMPLETE = "Give both latitude and longitude, or neither."
MEMBER_OF_ITSELF = "A monument cannot be a member of itself or of one of its members."
MEMBERS_ONLY_FOR_GROUP = (
    "Only a group of like members has a number of members: set composition to group, or "
    "leave member_count empty and member_count_approximate off."
)
PUBLISHED_IN_FUTURE = "The publication date cannot be in the future."
# The earliest date a source or an observation may carry: earlier ones are typing errors
# ("0216-03-27"), and date arithmetic near date.min overflows.
EARLIEST_DATE = datetime.date(1800, 1, 1)
BEFORE_EARLIEST_DATE = "{date} is before 1800-01-01, the earliest date the registry records."
RANK_NEEDS_REASON = "Pinning or discounting a claim needs a reason on record."
OVERRIDE_NEEDS_REASON = "An override needs a reason on record."
PHOTO_NEEDS_CREDIT = "A photo needs a credit (who took it or owns it)."

MAX_EXCERPT_LENGTH = 1000

# What a claim says, as curators edit, import and export it (after its source and key).
CLAIM_FIELDS = (
    "monument",
    "state",
    "excerpt",
    "attributed_to",
    "evidence",
    "observed_from",
    "observed_to",
    "cause",
    "quantity",
    "inferred",
    "inference_note",
)
# A reviewer's decisions on a claim, which curators cannot set.
REVIEW_FIELDS = ("review_status", "review_note", "rank", "rank_reason")

slug_validator = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    "Use lower-case letters, digits and single hyphens (like temple-of-bel).",
)
language_validator = RegexValidator(
    r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$",
    "Use a BCP 47 language tag such as en, ar, fr or ar-Latn.",
)


class DamageState(models.TextChoices):
    """The state scale of a claim (UNOSAT / EAMENA, simplified). Codes are API values."""

    INTACT = "intact", "intact"
    DAMAGED = "damaged", "damaged"
    SEVERELY_DAMAGED = "severely_damaged", "severely damaged"
    DESTROYED = "destroyed", "destroyed"
    RESTORED = "restored", "restored"


class EvidenceKind(models.TextChoices):
    """How the source knows what it claims."""

    EYEWITNESS = "eyewitness", "eyewitness"
    IMAGERY = "imagery", "imagery (satellite or photo)"
    OFFICIAL = "official", "official or heritage authority"
    MONITORING_GROUP = "monitoring_group", "monitoring group"
    REPORTED = "reported", "the outlet's own reporting"
    UNATTRIBUTED = "unattributed", "unattributed"


class DamageCause(models.TextChoices):
    EXPLOSIVES = "explosives", "explosives"
    SHELLING = "shelling", "shelling or air strike"
    FIGHTING = "fighting", "fighting"
    LOOTING = "looting", "looting"
    VANDALISM = "vandalism", "vandalism"
    MISUSE = "misuse", "misuse (executions, military use)"


class ConsensusState(models.TextChoices):
    """A published status: the claim scale plus ``unknown`` (no accepted evidence)."""

    INTACT = "intact", "intact"
    DAMAGED = "damaged", "damaged"
    SEVERELY_DAMAGED = "severely_damaged", "severely damaged"
    DESTROYED = "destroyed", "destroyed"
    RESTORED = "restored", "restored"
    UNKNOWN = "unknown", "unknown"


class Rank(models.TextChoices):
    """A curator's word on a claim, as Wikidata's statement ranks."""

    PREFERRED = "preferred", "preferred (pinned)"
    NORMAL = "normal", "normal"
    DEPRECATED = "deprecated", "deprecated (discounted)"


class ReviewStatus(models.TextChoices):
    DRAFTED = "drafted", "drafted"
    ACCEPTED = "accepted", "accepted"
    REJECTED = "rejected", "rejected"


class MonumentKind(models.TextChoices):
    SITE = "site", "site as a whole"
    TEMPLE = "temple", "temple"
    ARCH = "arch", "arch"
    TOMB_GROUP = "tomb_group", "tomb group"
    TOMB = "tomb", "tomb"
    STATUE = "statue", "statue"
    MUSEUM = "museum", "museum"
    FORTRESS = "fortress", "fortress"
    THEATRE = "theatre", "theatre"
    MONUMENT = "monument", "monument"
    STREET = "street", "street"
    MONASTERY = "monastery", "monastery"
    MODERN_BUILDING = "modern_building", "modern building"


class Composition(models.TextChoices):
    """How a monument's members relate to it (README, Consensus: groups and wholes)."""

    WHOLE = "whole", "a whole, with parts (a mosque and its minaret)"
    GROUP = "group", "a group of like members (the tower tombs)"


class OutletKind(models.TextChoices):
    NEWS_AGENCY = "news_agency", "news agency"
    NEWSPAPER = "newspaper", "newspaper or news site"
    BROADCASTER = "broadcaster", "broadcaster"
    STATE_MEDIA = "state_media", "state media"
    MONITORING_GROUP = "monitoring_group", "monitoring group"
    HERITAGE_AUTHORITY = "heritage_authority", "heritage authority"
    # "With agency inputs": a credit that names no agency, so it proves no common origin.
    UNNAMED_AGENCIES = "unnamed_agencies", "unnamed agencies"


# Reliability of an outlet a curator has not rated, by kind.
DEFAULT_RELIABILITY = {
    OutletKind.NEWS_AGENCY: Decimal("0.80"),
    OutletKind.NEWSPAPER: Decimal("0.60"),
    OutletKind.BROADCASTER: Decimal("0.60"),
    OutletKind.STATE_MEDIA: Decimal("0.40"),
    OutletKind.MONITORING_GROUP: Decimal("0.70"),
    OutletKind.HERITAGE_AUTHORITY: Decimal("0.80"),
    OutletKind.UNNAMED_AGENCIES: Decimal("0.50"),
}


class SourceKind(models.TextChoices):
    ARTICLE = "article", "news article"
    STATEMENT = "statement", "statement"
    IMAGERY_REPORT = "imagery_report", "imagery report"
    FIELD_REPORT = "field_report", "field report"


class Located(models.Model):
    """Coordinates are stored only with the precision they are known to."""

    latitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    location_precision_m = models.PositiveIntegerField(
        "precision (m)",
        null=True,
        blank=True,
        help_text="How far the true position may be from these coordinates, in metres.",
    )

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError({"longitude": COORDINATES_INCOMPLETE})
        if self.latitude is not None and self.location_precision_m is None:
            raise ValidationError({"location_precision_m": COORDINATES_NEED_PRECISION})


wikidata_validator = RegexValidator(
    r"^Q[1-9][0-9]*$", "A Wikidata item identifier: Q followed by digits (Q5747)."
)
number_id_validator = RegexValidator(r"^[1-9][0-9]*$", "An identifier of digits only.")


class Identified(models.Model):
    """Identifiers of the same place in other gazetteers, for linking datasets.

    Record one only when a curator has checked it against the gazetteer's entry."""

    wikidata = models.CharField(
        "Wikidata item",
        max_length=20,
        blank=True,
        validators=[wikidata_validator],
        help_text="Wikidata item identifier, e.g. Q5747.",
    )
    geonames = models.CharField(
        "GeoNames ID",
        max_length=20,
        blank=True,
        validators=[number_id_validator],
        help_text="GeoNames feature identifier (digits).",
    )
    pleiades = models.CharField(
        "Pleiades ID",
        max_length=20,
        blank=True,
        validators=[number_id_validator],
        help_text="Pleiades place identifier (digits), for ancient places.",
    )

    class Meta:
        abstract = True


class EditConflict(ValidationError):
    """A save from an out-of-date copy of a record: someone saved it in between.

    ``changes`` lists what changed since the copy was read (``history.Change``)."""

    def __init__(self, instance: models.Model, *, seen: int, current: int) -> None:
        self.seen, self.current = seen, current
        self.changes = change_history.changes_since(type(instance), instance.pk, seen)
        super().__init__(
            change_history.conflict_message(instance, self.changes), code="edit_conflict"
        )


class Versioned(models.Model):
    """Optimistic locking: every save increments ``version``, and a save from a copy
    whose version is no longer the stored one raises :class:`EditConflict` instead of
    overwriting the other edit. Raw saves (``loaddata``) keep the version they are given.
    """

    version = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Incremented on every save; an edit made from an older version is refused.",
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        with transaction.atomic(using=kwargs.get("using")):
            if not self._state.adding and self.pk is not None:
                stored = (
                    type(self)
                    ._base_manager.select_for_update()
                    .filter(pk=self.pk)
                    .values_list("version", flat=True)
                    .first()
                )
                if stored is not None and stored != self.version:
                    raise EditConflict(self, seen=self.version, current=stored)
                if stored == 0:
                    # Loaded by a fixture, never saved since: keep the loaded state in
                    # the history so that the first change can be diffed against it.
                    change_history.record_baseline(self)
            self.version += 1
            try:
                super().save(*args, **kwargs)
            except BaseException:
                self.version -= 1
                raise


class SlugManager(models.Manager):
    def get_by_natural_key(self, slug: str):
        return self.get(slug=slug)


class Site(Identified, Located):
    """A place that contains monuments (an archaeological site, a town)."""

    slug = models.SlugField(max_length=80, unique=True, validators=[slug_validator])
    name = models.CharField(max_length=200)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code.")
    description = models.TextField(blank=True, validators=[MaxLengthValidator(5000)])

    objects = SlugManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        using = kwargs.get("using")
        with transaction.atomic(using=using):
            if self.pk is not None:
                # Its monuments carry its name (Monument.site_name, the lists' first
                # sort key): a renamed site moves them in the lists in the same
                # transaction. The site's row, then its monuments, then (in the save's
                # signals) the registry's revision: the order every other write takes
                # them in, so that two writes wait for each other, never deadlock.
                list(
                    Site._base_manager.db_manager(using)
                    .select_for_update()
                    .filter(pk=self.pk)
                    .values_list("pk", flat=True)
                )
                Monument._base_manager.db_manager(using).filter(site_id=self.pk).exclude(
                    site_name=self.name
                ).update(site_name=self.name)
            super().save(*args, **kwargs)

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class MonumentQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """Django's ``bulk_create``, with each monument's copy of its site's name filled
        in first and its status row added in the same transaction (no ``save()`` runs
        for these rows)."""
        objs = list(objs)
        copy_site_name(objs, using=self.db)
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            ids = [o.pk for o in created if o.pk is not None]
            if len(ids) < len(created):  # ignore_conflicts: no ids come back
                ids += (
                    self.model._base_manager.using(self.db)
                    .filter(
                        slug__in=[o.slug for o in created if o.pk is None], consensus__isnull=True
                    )
                    .values_list("pk", flat=True)
                )
            add_unknown_statuses(ids, using=self.db)
        return created

    def for_api(self) -> MonumentQuerySet:
        """Monuments with their site, group and stored consensus joined in (one query)."""
        return self.select_related("site", "part_of", "consensus")

    def in_state(self, state: str, *, relation: str = "consensus") -> MonumentQuerySet:
        """Monuments whose status is *state*: today's stored ``consensus``, or the
        ``period`` joined by :meth:`with_period`. A monument no period covers on that
        day counts as unknown (every monument has a row for today)."""
        match = models.Q(**{f"{relation}__state": state})
        if state == ConsensusState.UNKNOWN and relation != "consensus":
            match |= models.Q(**{f"{relation}__isnull": True})
        return self.filter(match)

    def with_period(self, basis: str, day: datetime.date) -> MonumentQuerySet:
        """Annotate ``period``: the stored :class:`ConsensusPeriod` of *basis* covering
        *day* (a LEFT JOIN on the period table's index; at most one row per monument).

        ``period__state`` and the other columns read, filter and sort like
        ``consensus__…`` do for the present.
        """
        return self.annotate(
            period=models.FilteredRelation(
                "consensus_periods",
                condition=models.Q(
                    consensus_periods__basis=basis,
                    consensus_periods__valid_from__lte=day,
                    consensus_periods__valid_to__gte=day,
                ),
            )
        )


class MonumentManager(SlugManager.from_queryset(MonumentQuerySet)):
    pass


def add_unknown_statuses(monument_ids: list[int], *, using: str | None = None) -> None:
    """Give new monuments their status row: ``unknown``, as the engine states a monument
    with no claims, until their first refresh. Every monument has one from its creation,
    so that the lists can sort on the status along its indexes (an inner join) instead
    of sorting every monument."""
    if not monument_ids:
        return
    now = timezone.now()
    MonumentConsensus._base_manager.db_manager(using).bulk_create(
        [MonumentConsensus.unknown(pk, now) for pk in monument_ids],
        batch_size=500,
        ignore_conflicts=True,
    )


def copy_site_name(monuments: list, *, using: str | None = None) -> None:
    """Set ``site_name`` of unsaved or bulk-written monuments from their sites."""
    copy_from_related(monuments, "site", {"site_name": ("name", "")}, using=using)


def copy_from_related(objs: list, relation: str, copies: dict, *, using=None) -> None:
    """Set each of *objs*' copies of fields of the row its *relation* points to
    (``copies``: attribute -> (the related field, the value when there is no such row)),
    from the related instances they hold, or one query for those they name by id only."""
    descriptor = getattr(type(objs[0]), relation) if objs else None
    attname = f"{relation}_id"
    missing = {
        getattr(o, attname)
        for o in objs
        if getattr(o, attname) is not None and not descriptor.is_cached(o)
    }
    fields = [field for field, _ in copies.values()]
    stored = {}
    if missing:
        model = descriptor.field.related_model
        stored = {
            pk: values
            for pk, *values in model._base_manager.db_manager(using)
            .filter(pk__in=missing)
            .values_list("pk", *fields)
        }
    for o in objs:
        related = getattr(o, relation) if descriptor.is_cached(o) else None
        if related is not None:
            values = [getattr(related, field) for field in fields]
        else:
            values = stored.get(getattr(o, attname), [empty for _, empty in copies.values()])
        for attribute, value in zip(copies, values, strict=True):
            setattr(o, attribute, value)


class Monument(Versioned, Identified, Located):
    """A monument, a group of monuments, or a site as a whole (kind ``site``)."""

    slug = models.SlugField(max_length=80, unique=True, validators=[slug_validator])
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=MonumentKind.choices)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="monuments")
    part_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        help_text="The group this monument is a member of (a tower in the tower tombs), or "
        "the whole it is a part of (a minaret of its mosque).",
    )
    composition = models.CharField(
        max_length=5,
        choices=Composition.choices,
        default=Composition.WHOLE,
        help_text="How its members relate to it, if it has any: parts of one whole (their "
        "damage is the whole's damage, in part), or like members of a group (its state "
        "follows the share of them affected).",
    )
    member_count = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="For a group of like members: how many members it has, known or estimated "
        "(16 mausoleums). Empty: unknown.",
    )
    member_count_approximate = models.BooleanField(
        default=False, help_text="The number of members is an estimate (about 50)."
    )
    description = models.TextField(blank=True, validators=[MaxLengthValidator(5000)])
    updated_at = models.DateTimeField(auto_now=True)
    search_text = models.TextField(
        blank=True,
        editable=False,
        help_text="Name and aliases normalised for search (derived: services.update_search_text).",
    )
    # A copy of the site's name, kept by save() and Site.save(): the lists sort by site
    # and name, and with the name here one index (monument_list_order) holds that order,
    # so a page stops at its end instead of sorting every monument with its site.
    site_name = models.CharField(max_length=200, blank=True, editable=False, serialize=False)

    objects = MonumentManager()
    history = HistoricalRecords(excluded_fields=["site_name"])

    class Meta:
        ordering = ["site_name", "name"]
        # Loading writes through the base manager: its bulk_create fills the copy of the
        # site's name and adds the status rows.
        base_manager_name = "objects"
        indexes = [
            models.Index(fields=["site_name", "name", "id"], name="monument_list_order"),
            # The list's other orders on the monument's own columns, and its kind filter
            # in the list's order (a page of one kind reads its hundred entries).
            models.Index(fields=["name", "id"], name="monument_by_name"),
            models.Index(fields=["updated_at", "id"], name="monument_by_update"),
            models.Index(fields=["kind", "site_name", "name", "id"], name="monument_kind_order"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        with transaction.atomic(using=kwargs.get("using")):
            # The site's name as committed, its row locked until this commit (see
            # Site.save), not as a stale instance may hold it.
            if self.site_id is not None:
                self.site_name = (
                    Site._base_manager.db_manager(kwargs.get("using"))
                    .select_for_update()
                    .filter(pk=self.site_id)
                    .values_list("name", flat=True)
                    .get()
                )
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "site_name"}
            super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        """The monument's public page."""
        return reverse("site:monument", kwargs={"slug": self.slug})

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    def clean(self) -> None:
        super().clean()
        if self.composition != Composition.GROUP and (
            self.member_count is not None or self.member_count_approximate
        ):
            raise ValidationError({"member_count": MEMBERS_ONLY_FOR_GROUP})
        group = self.part_of
        seen = set()
        while group is not None and group.pk not in seen:
            if group.pk == self.pk or group.slug == self.slug:
                raise ValidationError({"part_of": MEMBER_OF_ITSELF})
            seen.add(group.pk)
            group = group.part_of


class AliasManager(models.Manager):
    def get_by_natural_key(self, monument_slug: str, language: str, name: str):
        return self.get(monument__slug=monument_slug, language=language, name=name)


class Alias(models.Model):
    """Another name for a monument, in one language and script."""

    monument = models.ForeignKey(Monument, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)
    language = models.CharField(
        max_length=16, validators=[language_validator], help_text="BCP 47 tag: en, ar, fr…"
    )

    objects = AliasManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "aliases"
        ordering = ["monument", "language", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["monument", "language", "name"], name="alias_unique_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"

    def natural_key(self) -> tuple[str, str, str]:
        return (*self.monument.natural_key(), self.language, self.name)

    natural_key.dependencies = ["heritage.monument"]


class Outlet(models.Model):
    """Who publishes sources or is credited in them: a newspaper, an agency, an NGO."""

    slug = models.SlugField(max_length=80, unique=True, validators=[slug_validator])
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=OutletKind.choices)
    reliability = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="From 0 (ignore its claims) to 1 (fully trusted); scales its claims' weight. "
        "Empty: the default for its kind.",
    )
    url = models.URLField(blank=True)

    objects = SlugManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @property
    def effective_reliability(self) -> Decimal:
        """The curator's setting, else the default for the outlet's kind."""
        if self.reliability is not None:
            return self.reliability
        return DEFAULT_RELIABILITY[self.kind]


# The credits and copy links decide which claims count once: their changes are history too.
# Kept by name so that the admin can write one history row after a form's links are saved.
SOURCE_HISTORY = HistoricalRecords(
    m2m_fields=["wire_credits", "photo_credits", "copies_passages_from"]
)


class SourceManager(models.Manager):
    def get_by_natural_key(self, key: str):
        return self.get(key=key)


class Source(models.Model):
    """An article, statement or report. Holds metadata only, never the full text."""

    key = models.SlugField(
        max_length=120,
        unique=True,
        validators=[slug_validator],
        help_text="Stable key, e.g. afp-2016-03-28-palmyra-advance.",
    )
    kind = models.CharField(max_length=20, choices=SourceKind.choices, default=SourceKind.ARTICLE)
    outlet = models.ForeignKey(
        Outlet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sources",
        help_text="Leave empty when the publishing outlet is not named.",
    )
    title = models.CharField(max_length=300)
    byline = models.CharField(max_length=200, blank=True)
    dateline = models.CharField(max_length=100, blank=True, help_text="Place of the dateline.")
    published_on = models.DateField()
    url = models.URLField(max_length=500, blank=True)
    language = models.CharField(max_length=16, default="en", validators=[language_validator])
    wire_credits = models.ManyToManyField(
        Outlet,
        blank=True,
        related_name="credited_in",
        help_text="Agencies whose copy the text carries (AFP, Reuters, agency inputs…).",
    )
    photo_credits = models.ManyToManyField(Outlet, blank=True, related_name="photo_credited_in")
    wire_story = models.SlugField(
        max_length=120,
        blank=True,
        help_text="Key of the wire story it republishes, when known; sources with the same "
        "credit but different stories are separate observations.",
    )
    copies_passages_from = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="copied_by",
        help_text="Earlier sources whose sentences this one repeats verbatim.",
    )
    notes = models.TextField(blank=True, validators=[MaxLengthValidator(5000)])
    fingerprint = models.TextField(
        blank=True,
        validators=[MaxLengthValidator(20000), RegexValidator(r"^(?:[0-9a-f]{8})*$")],
        help_text="Hashed word shingles of the article's text (heritage/drafting/fingerprint.py), "
        "to recognise later copies; the text itself is not kept.",
    )

    objects = SourceManager()
    history = SOURCE_HISTORY

    class Meta:
        ordering = ["-published_on", "key"]
        indexes = [
            # The API's source list (newest first, or oldest with ordering=published_on)
            # walks these in order and stops at the page's end, instead of sorting. With
            # the ids they cover a page's ids (PostgreSQL then reads no row to step
            # over the rows before a page by number; SQLite's indexes hold the id).
            models.Index(fields=["-published_on", "key", "id"], name="source_newest_first"),
            models.Index(fields=["published_on", "key", "id"], name="source_oldest_first"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)
            # Its claims carry its date and key (DamageReport.source_published_on): a
            # changed date or key moves them in the claims' list in the same transaction.
            # The source's row stays locked until the commit, so a claim saved meanwhile
            # (which reads the source FOR UPDATE) waits and copies the new values.
            self.reports.exclude(
                source_published_on=self.published_on, source_key=self.key
            ).update(source_published_on=self.published_on, source_key=self.key)

    def get_absolute_url(self) -> str:
        """The source's public page."""
        return reverse("site:source", kwargs={"key": self.key})

    def natural_key(self) -> tuple[str]:
        return (self.key,)

    natural_key.dependencies = ["heritage.outlet"]

    def clean(self) -> None:
        super().clean()
        if self.published_on and self.published_on > timezone.localdate():
            raise ValidationError({"published_on": PUBLISHED_IN_FUTURE})
        if self.published_on and self.published_on < EARLIEST_DATE:
            raise ValidationError(
                {"published_on": BEFORE_EARLIEST_DATE.format(date=self.published_on.isoformat())}
            )
        if self.pk and self.published_on:
            # A claim is never observed after its source's publication (the stored past
            # relies on it): moving the date before a claim's observation is refused.
            later = (
                self.reports.filter(
                    models.Q(observed_to__gt=self.published_on)
                    | models.Q(observed_to__isnull=True, observed_from__gt=self.published_on)
                )
                .order_by("key")
                .values_list("key", "observed_from", "observed_to")
                .first()
            )
            if later:
                key, start, end = later
                raise ValidationError(
                    {
                        "published_on": PUBLISHED_BEFORE_OBSERVATION.format(
                            claim=key, observed=(end or start).isoformat()
                        )
                    }
                )


class DamageReportQuerySet(models.QuerySet):
    def accepted(self) -> DamageReportQuerySet:
        return self.filter(review_status=ReviewStatus.ACCEPTED)

    def in_publication_order(self, descending: bool = False) -> DamageReportQuerySet:
        """By the source's publication date, then the source's key and the claim's key
        (a total order), as the API lists claims: the stored copies of the source's
        date and key, which ``claim_publication_order`` (and, for one monument's claims,
        ``claim_monument_order``) hold in that order."""
        sign = "-" if descending else ""
        return self.order_by(*(sign + name for name in PUBLICATION_ORDER))

    def bulk_create(self, objs, *args, **kwargs):
        """Django's ``bulk_create``, with each claim's copy of its source's date and key
        filled in first (no ``save()`` runs for these rows)."""
        objs = list(objs)
        copy_publication(objs, using=self.db)
        return super().bulk_create(objs, *args, **kwargs)


# The claims' publication order: the source's date, the source's key, the claim's key.
PUBLICATION_ORDER = ("source_published_on", "source_key", "key")


def copy_publication(reports: list, *, using: str | None = None) -> None:
    """Set ``source_published_on`` and ``source_key`` of unsaved or bulk-written claims
    from their sources."""
    copies = {"source_published_on": ("published_on", None), "source_key": ("key", "")}
    copy_from_related(reports, "source", copies, using=using)


class DamageReportManager(models.Manager.from_queryset(DamageReportQuerySet)):
    def get_by_natural_key(self, source_key: str, key: str):
        return self.get(source__key=source_key, key=key)


class DamageReport(Versioned, models.Model):
    """One claim by one source about the state of one monument."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="reports")
    key = models.SlugField(
        max_length=80,
        validators=[slug_validator],
        help_text="Unique within the source, e.g. temple-of-bel.",
    )
    # Copies of the source's date and key, so that the claims' list is read in order
    # from an index instead of sorting every claim with its source (PUBLICATION_ORDER).
    # Derived, never given: set on every save and bulk_create, and by Source.save when
    # the source's date or key changes; not in dumps or fixtures (serialize=False).
    source_published_on = models.DateField(blank=True, editable=False, serialize=False)
    source_key = models.SlugField(
        max_length=120, blank=True, editable=False, serialize=False, db_index=False
    )
    monument = models.ForeignKey(Monument, on_delete=models.PROTECT, related_name="reports")
    state = models.CharField(max_length=20, choices=DamageState.choices)
    excerpt = models.TextField(
        validators=[MaxLengthValidator(MAX_EXCERPT_LENGTH)],
        help_text="The source's own words that make the claim, copied exactly.",
    )
    attributed_to = models.CharField(
        max_length=200,
        blank=True,
        help_text="Who the source says saw or said it (an AFP correspondent, the antiquities "
        "chief). Empty when unattributed.",
    )
    evidence = models.CharField(max_length=20, choices=EvidenceKind.choices)
    observed_from = models.DateField(
        null=True, blank=True, help_text="When the state was observed, or the event happened."
    )
    observed_to = models.DateField(
        null=True, blank=True, help_text="End of the range when only a period is known."
    )
    cause = models.CharField(max_length=20, choices=DamageCause.choices, blank=True)
    quantity = models.PositiveIntegerField(
        null=True, blank=True, help_text="How many members of a group the claim covers."
    )
    inferred = models.BooleanField(
        default=False, help_text="The source's reference is vague; the curator linked it here."
    )
    inference_note = models.CharField(max_length=500, blank=True)
    review_status = models.CharField(
        max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFTED
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviewed_reports",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(max_length=500, blank=True)
    rank = models.CharField(
        max_length=10,
        choices=Rank.choices,
        default=Rank.NORMAL,
        help_text="Preferred claims outvote the rest; deprecated claims weigh nothing.",
    )
    rank_reason = models.CharField(max_length=500, blank=True)
    ranked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ranked_reports",
    )
    ranked_at = models.DateTimeField(null=True, blank=True)

    objects = DamageReportManager()
    history = HistoricalRecords(excluded_fields=["source_published_on", "source_key"])

    class Meta:
        ordering = ["source", "key"]
        # Loading writes through the base manager: its bulk_create fills the copies.
        base_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(fields=["source", "key"], name="report_key_unique_per_source")
        ]
        indexes = [
            # The review queue and the admin's filters select by review status; with the
            # state, the index alone counts the claims of one state (the API's
            # ``state=`` on claims: 46 ms at 200,000 claims on SQLite when each row was
            # read to check its state).
            models.Index(fields=["review_status", "state"], name="claim_review_state"),
            # The API's claims list (accepted claims in publication order, either way)
            # walks this one and stops at the page's end; with the ids it covers the
            # page. Not a partial index: SQLite uses one only when the query states the
            # condition as a literal, and Django passes it as a parameter.
            models.Index(
                fields=["review_status", *PUBLICATION_ORDER, "id"],
                name="claim_publication_order",
            ),
            models.Index(
                fields=["review_status", "observed_from", "id"], name="claim_observed_order"
            ),
            # One monument's accepted claims in publication order (its detail, the claims
            # list filtered by monument). Two equality columns: SQLite, which keeps no
            # statistics unless told to, then never prefers the review status alone.
            models.Index(
                fields=["monument", "review_status", *PUBLICATION_ORDER],
                name="claim_monument_order",
            ),
        ]
        permissions = [
            ("review_damagereport", "Can accept, reject, pin and discount claims"),
        ]

    def __str__(self) -> str:
        return f"{self.monument}: {self.state} ({self.source.key})"

    def save(self, *args, **kwargs) -> None:
        with transaction.atomic(using=kwargs.get("using")):
            # The source's date and key as committed, its row locked until this commit
            # (see Source.save), not as a stale instance may hold them.
            if self.source_id is not None:
                self.source_published_on, self.source_key = (
                    Source._base_manager.db_manager(kwargs.get("using"))
                    .select_for_update()
                    .filter(pk=self.source_id)
                    .values_list("published_on", "key")
                    .get()
                )
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {
                    *kwargs["update_fields"],
                    "source_published_on",
                    "source_key",
                }
            super().save(*args, **kwargs)

    def natural_key(self) -> tuple[str, str]:
        return (*self.source.natural_key(), self.key)

    natural_key.dependencies = ["heritage.source", "heritage.monument"]

    @classmethod
    def from_db(cls, db, field_names, values):
        report = super().from_db(db, field_names, values)
        # Remembered so that moving a claim to another monument refreshes both.
        report._loaded_monument_id = report.__dict__.get("monument_id")
        return report

    @property
    def observed_until(self) -> datetime.date | None:
        """The last day the observation may refer to."""
        return self.observed_to or self.observed_from

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.observed_to and not self.observed_from:
            errors["observed_from"] = OBSERVED_END_WITHOUT_START
        elif self.observed_to and self.observed_to < self.observed_from:
            errors["observed_to"] = OBSERVED_RANGE_REVERSED
        for name in ("observed_from", "observed_to"):
            value = getattr(self, name)
            if value and value < EARLIEST_DATE:
                errors[name] = BEFORE_EARLIEST_DATE.format(date=value.isoformat())
        latest = self.observed_until
        if latest and latest > timezone.localdate():
            errors.setdefault(
                "observed_to" if self.observed_to else "observed_from", OBSERVED_IN_FUTURE
            )
        published = self.source.published_on if self.source_id else None
        if latest and published and latest > published:
            errors.setdefault(
                "observed_to" if self.observed_to else "observed_from",
                OBSERVED_AFTER_PUBLICATION.format(published=published.isoformat()),
            )
        if self.quantity == 0:
            errors["quantity"] = QUANTITY_ZERO
        if self.inferred and not self.inference_note.strip():
            errors["inference_note"] = INFERRED_NEEDS_NOTE
        if self.review_status == ReviewStatus.REJECTED and not self.review_note.strip():
            errors["review_note"] = REJECTED_NEEDS_NOTE
        if self.review_status == ReviewStatus.DRAFTED and (
            self.reviewed_by_id or self.reviewed_at
        ):
            errors["review_status"] = DRAFT_HAS_REVIEW
        if not self.excerpt.strip():
            errors["excerpt"] = "The excerpt cannot be empty."
        if self.rank != Rank.NORMAL and not self.rank_reason.strip():
            errors["rank_reason"] = RANK_NEEDS_REASON
        if errors:
            raise ValidationError(errors)


class DraftedClaimManager(DamageReportManager):
    def get_queryset(self) -> DamageReportQuerySet:
        return super().get_queryset().filter(review_status=ReviewStatus.DRAFTED)


class DraftedClaim(DamageReport):
    """The review queue: claims still waiting for a reviewer's decision.

    Read through this proxy only; decisions are saved on DamageReport instances, whose
    signals keep the consensus and the history current.
    """

    objects = DraftedClaimManager()

    class Meta:
        proxy = True
        verbose_name = "drafted claim"
        verbose_name_plural = "review queue (drafted claims)"


class StatusOverrideManager(models.Manager):
    def get_by_natural_key(self, monument_slug: str):
        return self.get(monument__slug=monument_slug)


class StatusOverride(models.Model):
    """A curator's decision that a monument's status is *state*, whatever the evidence says."""

    monument = models.OneToOneField(
        Monument, on_delete=models.CASCADE, related_name="status_override"
    )
    state = models.CharField(max_length=20, choices=ConsensusState.choices)
    reason = models.CharField(max_length=500)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    decided_at = models.DateTimeField(default=timezone.now)

    objects = StatusOverrideManager()
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.monument}: {self.state} (override)"

    def natural_key(self) -> tuple[str]:
        return self.monument.natural_key()

    natural_key.dependencies = ["heritage.monument"]

    def clean(self) -> None:
        super().clean()
        if not self.reason.strip():
            raise ValidationError({"reason": OVERRIDE_NEEDS_REASON})


class MonumentConsensusManager(models.Manager):
    def get_by_natural_key(self, monument_slug: str):
        return self.get(monument__slug=monument_slug)


class MonumentConsensus(models.Model):
    """The stored current consensus of a monument. Derived: written only by
    ``services.refresh_consensus``, and only when the result changes."""

    monument = models.OneToOneField(Monument, on_delete=models.CASCADE, related_name="consensus")
    state = models.CharField(max_length=20, choices=ConsensusState.choices)
    evidence_state = models.CharField(
        max_length=20,
        choices=ConsensusState.choices,
        help_text="What the evidence alone says (differs from state under an override).",
    )
    confidence = models.FloatField(validators=[MinValueValidator(0), MaxValueValidator(1)])
    independent_origins = models.PositiveIntegerField()
    contested = models.BooleanField()
    single_origin = models.BooleanField()
    overridden = models.BooleanField()
    claim_count = models.PositiveIntegerField(help_text="Accepted claims considered.")
    latest_observation = models.DateField(null=True, blank=True)
    extent_destroyed = models.PositiveIntegerField(
        null=True, blank=True, help_text="For a group: members destroyed (null: not a group)."
    )
    extent_affected = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="For a group: members damaged, severely damaged or destroyed.",
    )
    extent_restored = models.PositiveIntegerField(
        null=True, blank=True, help_text="For a group: members restored."
    )
    explanation = models.JSONField(
        default=list, blank=True, help_text="Per claim: weight, origin, role and reasons."
    )
    timeline = models.JSONField(
        default=list,
        blank=True,
        help_text="The engine's timeline: each change of the evidence's state, oldest first.",
    )
    history_digest = models.CharField(
        max_length=64,
        blank=True,
        help_text="Digest of the engine's code and input behind the stored timeline and "
        "periods: they are recomputed only when it changes.",
    )
    changed_at = models.DateTimeField(help_text="When this status last changed.")

    objects = MonumentConsensusManager()

    class Meta:
        verbose_name_plural = "monument consensus"
        # The monument list filters on the stored state and the contested flag, and
        # sorts on the state or the confidence (then the monument, the list's last key).
        indexes = [
            models.Index(fields=["state", "monument"], name="consensus_state_order"),
            models.Index(fields=["confidence", "monument"], name="consensus_confidence_order"),
            models.Index(fields=["contested"], name="consensus_contested"),
        ]

    def __str__(self) -> str:
        return f"{self.monument}: {self.state}"

    def natural_key(self) -> tuple[str]:
        return self.monument.natural_key()

    natural_key.dependencies = ["heritage.monument"]

    @classmethod
    def unknown(cls, monument_id: int, now: datetime.datetime) -> MonumentConsensus:
        """The row of a monument not refreshed yet: what the engine states with no
        claims (``unknown``, confidence 0), with no stored past (an empty digest, so the
        first refresh computes it)."""
        return cls(
            monument_id=monument_id,
            state=ConsensusState.UNKNOWN,
            evidence_state=ConsensusState.UNKNOWN,
            confidence=0.0,
            independent_origins=0,
            contested=False,
            single_origin=False,
            overridden=False,
            claim_count=0,
            changed_at=now,
        )


class PeriodBasis(models.TextChoices):
    """Which past a :class:`ConsensusPeriod` describes."""

    OBSERVED = "observed", "as of a date (all evidence held now)"
    PUBLISHED = "published", "known at a date (sources published by then)"


# The last day an open-ended period covers.
END_OF_TIME = datetime.date.max


class ConsensusPeriod(models.Model):
    """A span of days over which a monument's past consensus does not change.

    Derived, like :class:`MonumentConsensus`, and written only by
    ``services.refresh_consensus``. For each basis a monument's periods cover every day
    from ``date.min`` to ``date.max`` without overlap: ``observed`` periods give
    ``compute(claims, as_of=day)``, ``published`` periods ``compute(claims,
    known_at=day)``, so a past-date list reads one row per monument instead of
    running the engine. Past dates are evidence alone: overrides speak of the present.
    """

    monument = models.ForeignKey(
        Monument, on_delete=models.CASCADE, related_name="consensus_periods"
    )
    basis = models.CharField(max_length=10, choices=PeriodBasis.choices)
    valid_from = models.DateField()
    valid_to = models.DateField(help_text="Last day covered (date.max: still current).")
    state = models.CharField(max_length=20, choices=ConsensusState.choices)
    confidence = models.FloatField()
    independent_origins = models.PositiveIntegerField()
    contested = models.BooleanField()
    single_origin = models.BooleanField()
    claim_count = models.PositiveIntegerField()
    latest_observation = models.DateField(null=True, blank=True)
    extent_destroyed = models.PositiveIntegerField(null=True, blank=True)
    extent_affected = models.PositiveIntegerField(null=True, blank=True)
    extent_restored = models.PositiveIntegerField(null=True, blank=True)
    changes_state = models.BooleanField(
        default=False, help_text="Its state differs from the previous period's: a change."
    )
    cause = models.CharField(
        max_length=201,
        blank=True,
        help_text="The claim (source key/claim key) that caused the change, when one did.",
    )

    not_serialized = True

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["monument", "basis", "valid_from"], name="consensus_period_unique_start"
            )
        ]
        indexes = [
            # Past-date lists filtered on the state: the periods of that state on a day.
            models.Index(
                fields=["basis", "state", "valid_from", "valid_to"], name="period_state_day"
            ),
            # The changes feed: the newest changes first.
            models.Index(
                fields=["basis", "changes_state", "-valid_from"], name="period_changes_newest"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.monument_id} {self.basis} {self.valid_from}..{self.valid_to}: {self.state}"

    @property
    def cause_source_key(self) -> str:
        """The key of the source whose claim caused the change ('' when none did)."""
        return self.cause.split("/", 1)[0]


class Revision(models.Model):
    """A counter bumped by every change to the registry, for HTTP validators.

    One row. It describes this database, not the registry's content, so dumpdata
    leaves it out and loaddata ignores it.
    """

    number = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)

    not_serialized = True

    def __str__(self) -> str:
        return f"revision {self.number} ({self.changed_at:%Y-%m-%d %H:%M:%S})"


class RequestCount(models.Model):
    """The anonymous rate limit's counter for one client address
    (``heritage/api/throttles.py``): its requests in the current window of the rate's
    duration and in the window before, updated by one statement per request so that
    every worker process counts the same requests. On PostgreSQL the table is
    UNLOGGED (migration 0013): counting does not wait for the write-ahead log's flush,
    and a crash only empties the counts.

    Not registry content: dumpdata leaves it out and loaddata ignores it."""

    client = models.CharField(primary_key=True, max_length=100)
    window_index = models.BigIntegerField(help_text="Seconds since the epoch // duration.")
    count = models.PositiveIntegerField(default=0)
    previous = models.PositiveIntegerField(default=0, help_text="Requests in the window before.")

    not_serialized = True

    def __str__(self) -> str:
        return f"{self.client}: {self.count} (window {self.window_index})"


class ConsensusJob(models.Model):
    """A recomputation of many monuments' consensus, run in the background by a task
    worker (``manage.py db_worker``) rather than inside the request that caused it.

    Written by ``services.queue_refresh`` and ``services.run_refresh_job``; the admin
    shows its progress, which the job commits after every batch."""

    class Status(models.TextChoices):
        QUEUED = "queued", "queued"
        RUNNING = "running", "running"
        DONE = "done", "done"
        FAILED = "failed", "failed"

    reason = models.CharField(max_length=300)
    monument_ids = models.JSONField(default=list, help_text="The monuments to recompute.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0, help_text="Monuments to recompute.")
    done = models.PositiveIntegerField(default=0, help_text="Monuments recomputed so far.")
    changed = models.PositiveIntegerField(default=0, help_text="Stored statuses that changed.")
    task_id = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    # The state of this database's work queue, not registry content.
    not_serialized = True

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "consensus recomputation"

    def __str__(self) -> str:
        return f"{self.reason} ({self.status}, {self.done}/{self.total})"


class PhotoManager(models.Manager):
    def get_by_natural_key(self, key: str):
        return self.get(key=key)


class Photo(models.Model):
    """An image of a monument, with its credit. Validated with Pillow on every save path."""

    key = models.SlugField(max_length=120, unique=True, validators=[slug_validator])
    image = models.ImageField(
        upload_to="photos/%Y/",
        validators=[validate_image],
        width_field="width",
        height_field="height",
    )
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    caption = models.CharField(max_length=500, blank=True)
    thumbnail = models.ImageField(
        upload_to="photos/thumbnails/%Y/",
        blank=True,
        editable=False,
        help_text="Derived from the image when the photo is stored (services.store_photo).",
    )
    credit = models.CharField(
        max_length=200,
        error_messages={"blank": PHOTO_NEEDS_CREDIT, "required": PHOTO_NEEDS_CREDIT},
    )
    taken_on = models.DateField(null=True, blank=True)
    monument = models.ForeignKey(
        Monument, on_delete=models.CASCADE, related_name="photos", null=True, blank=True
    )
    source = models.ForeignKey(
        Source, on_delete=models.SET_NULL, related_name="photos", null=True, blank=True
    )

    objects = PhotoManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.caption or self.key

    def natural_key(self) -> tuple[str]:
        return (self.key,)

    natural_key.dependencies = ["heritage.monument", "heritage.source"]

    def clean(self) -> None:
        super().clean()
        if self.taken_on and self.taken_on > timezone.localdate():
            raise ValidationError({"taken_on": "The photo cannot be taken in the future."})
