"""A large, realistic, synthetic registry for load tests and benchmarks.

:func:`seed` builds it (``manage.py seed_synthetic`` and ``bench/ladder.py`` call it)::

    manage.py seed_synthetic --monuments 10000 --reports 200000 [--seed 1] [--sites 20]

What it builds, deterministically for a given seed:

* sites, each with a monument of kind ``site`` for the site as a whole, and monuments,
  some of them groups (tomb groups, …) with members (``part_of``);
* 2-4 aliases per monument in English, French and Arabic script;
* outlets of several kinds; the agencies (afp, reuters, ap, sana) and "agency inputs"
  are looked up by slug and created only when missing, so a registry that already
  holds the seed fixtures can take the synthetic data too;
* sources from 2014 to 2024: wire stories republished by several outlets (the same
  ``wire_story`` key and credit: a copy cluster), stories of other outlets, some
  repeating passages of an earlier source (``copies_passages_from``);
* claims that follow each monument's hidden history (intact, then damaged, destroyed,
  sometimes restored), with mixed evidence, mostly accepted, some drafted, some
  rejected with a note, some inferred with a note; observations never after the
  source's publication.

Every row satisfies the models' validation. Rows are written with ``bulk_create``
in one transaction, so no signal runs: the derived data (search text, stored
consensus, the registry's revision) is computed through ``heritage.services`` at the
end, in batches (``services.refresh_all``). Slugs and keys start with ``synthetic-s<seed>-``, so they never collide with the
gazetteer, and a second run with the same seed stops with an error.
"""

from __future__ import annotations

import datetime
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.text import slugify

from heritage import services
from heritage.models import (
    Alias,
    DamageCause,
    DamageReport,
    DamageState,
    EvidenceKind,
    Monument,
    MonumentKind,
    Outlet,
    OutletKind,
    Rank,
    ReviewStatus,
    Site,
    Source,
    SourceKind,
)

PREFIX = "synthetic"
START = datetime.date(2014, 1, 1)
END = datetime.date(2024, 12, 31)
BATCH = 2000
SEARCH_TEXT_CHUNK = 500
DEFAULT_SITES = 20

INTACT = DamageState.INTACT
DAMAGED = DamageState.DAMAGED
SEVERE = DamageState.SEVERELY_DAMAGED
DESTROYED = DamageState.DESTROYED
RESTORED = DamageState.RESTORED
SCALE = [INTACT, DAMAGED, SEVERE, DESTROYED]

# Agencies as the seed fixtures define them: looked up by slug, created when missing.
# The last item: the languages of their services.
AGENCIES = [
    ("afp", "Agence France-Presse", OutletKind.NEWS_AGENCY, ("en", "fr")),
    ("reuters", "Reuters", OutletKind.NEWS_AGENCY, ("en",)),
    ("ap", "Associated Press", OutletKind.NEWS_AGENCY, ("en",)),
    ("sana", "SANA (Syrian Arab News Agency)", OutletKind.STATE_MEDIA, ("ar", "en")),
]
AGENCY_INPUTS = ("agency-inputs", 'Unnamed agencies ("with agency inputs")')

# Synthetic outlets (shared by every seed): slug suffix, name, kind, language.
OUTLETS = [
    ("levant-herald", "The Levant Herald", OutletKind.NEWSPAPER, "en"),
    ("euphrates-daily", "Euphrates Daily", OutletKind.NEWSPAPER, "en"),
    ("orontes-tribune", "Orontes Tribune", OutletKind.NEWSPAPER, "en"),
    ("desert-courier", "The Desert Courier", OutletKind.NEWSPAPER, "en"),
    ("gulf-observer", "Gulf Observer", OutletKind.NEWSPAPER, "en"),
    ("mediterranean-post", "Mediterranean Post", OutletKind.NEWSPAPER, "en"),
    ("world-dispatch", "World Dispatch", OutletKind.NEWSPAPER, "en"),
    ("evening-chronicle", "The Evening Chronicle", OutletKind.NEWSPAPER, "en"),
    ("courrier-du-levant", "Le Courrier du Levant", OutletKind.NEWSPAPER, "fr"),
    ("journal-de-l-orient", "Journal de l'Orient", OutletKind.NEWSPAPER, "fr"),
    ("la-depeche-du-desert", "La Dépêche du désert", OutletKind.NEWSPAPER, "fr"),
    ("al-badia", "Al-Badia", OutletKind.NEWSPAPER, "ar"),
    ("al-mashriq", "Al-Mashriq", OutletKind.NEWSPAPER, "ar"),
    ("al-furat", "Al-Furat", OutletKind.NEWSPAPER, "ar"),
    ("al-sharq-daily", "Al-Sharq Daily", OutletKind.NEWSPAPER, "ar"),
    ("desert-radio", "Desert Radio", OutletKind.BROADCASTER, "en"),
    ("levant-tv", "Levant TV", OutletKind.BROADCASTER, "en"),
    ("radio-orient", "Radio Orient", OutletKind.BROADCASTER, "fr"),
    ("qanat-al-sham", "Qanat al-Sham", OutletKind.BROADCASTER, "ar"),
    ("state-tv", "State Television", OutletKind.STATE_MEDIA, "ar"),
    ("heritage-watch", "Heritage Watch", OutletKind.MONITORING_GROUP, "en"),
    ("antiquities-monitor", "Antiquities Monitor", OutletKind.MONITORING_GROUP, "en"),
    (
        "observatoire-du-patrimoine",
        "Observatoire du patrimoine",
        OutletKind.MONITORING_GROUP,
        "fr",
    ),
    (
        "directorate-of-antiquities",
        "Directorate of Antiquities",
        OutletKind.HERITAGE_AUTHORITY,
        "en",
    ),
]
REPUBLISHERS = (OutletKind.NEWSPAPER, OutletKind.BROADCASTER)

# Name roots: English, an alternative spelling, Arabic.
ROOTS = [
    ("Nabu", "Nebo", "نابو"),
    ("Allat", "Al-Lat", "اللات"),
    ("Baalshamin", "Baal Shamin", "بعل شمين"),
    ("Elahbel", "Elahbal", "إلهبل"),
    ("Iamliku", "Yamliku", "يمليكو"),
    ("Atenatan", "Atinatan", "عتناتان"),
    ("Zenobia", "Zainab", "زنوبيا"),
    ("Odaenathus", "Udhayna", "أذينة"),
    ("Septimius", "Septimus", "سبتيموس"),
    ("Aurelian", "Aurelianus", "أورليان"),
    ("Hadrian", "Hadrianus", "هادريان"),
    ("Diocletian", "Diocletianus", "ديوكلتيان"),
    ("Saladin", "Salah ad-Din", "صلاح الدين"),
    ("Nur ad-Din", "Nureddin", "نور الدين"),
    ("Baybars", "Baibars", "بيبرس"),
    ("Simeon", "Semaan", "سمعان"),
    ("Sergius", "Sarkis", "سرجيوس"),
    ("Elian", "Elianos", "إليان"),
    ("Thecla", "Taqla", "تقلا"),
    ("Jonah", "Yunus", "يونس"),
    ("Khidr", "Khodr", "الخضر"),
    ("Ayyub", "Job", "أيوب"),
    ("Yarhibol", "Iarhibol", "يرحبول"),
    ("Aglibol", "Aglibul", "عجليبول"),
    ("Arsu", "Arsou", "أرصو"),
    ("Shadrafa", "Shadrapha", "شدرفا"),
    ("Marona", "Maronas", "مارونا"),
    ("Kitot", "Kithoth", "كيتوت"),
    ("Taybul", "Taiboul", "طيبول"),
    ("Hairan", "Hayran", "حيران"),
    ("Maqqai", "Maqai", "مقاي"),
    ("Zabdibol", "Zabdiboul", "زبديبول"),
    ("Wahballat", "Vaballathus", "وهب اللات"),
    ("Malku", "Malkou", "ملكو"),
    ("Bolha", "Bolhaa", "بولحا"),
    ("Julia Domna", "Iulia Domna", "جوليا دومنا"),
]
SITE_PREFIXES = [
    ("Tell", "Tell", "تل"),
    ("Khirbet", "Khirbet", "خربة"),
    ("Qasr", "Qasr", "قصر"),
    ("Deir", "Deir", "دير"),
    ("Ain", "Aïn", "عين"),
    ("Jebel", "Djebel", "جبل"),
]

# Per kind: English, French and Arabic name patterns, and an English variant.
KIND_NAMES = {
    MonumentKind.TEMPLE: ("Temple of {r}", "Temple de {r}", "معبد {a}", "{v} temple"),
    MonumentKind.ARCH: ("Arch of {r}", "Arc de {r}", "قوس {a}", "{v} arch"),
    MonumentKind.TOMB_GROUP: ("Tombs of {r}", "Tombeaux de {r}", "مدافن {a}", "{v} tombs"),
    MonumentKind.TOMB: ("Tower of {r}", "Tour de {r}", "برج {a}", "{v} tower"),
    MonumentKind.STATUE: ("Statue of {r}", "Statue de {r}", "تمثال {a}", "{v} statue"),
    MonumentKind.MUSEUM: ("Museum of {r}", "Musée de {r}", "متحف {a}", "{v} museum"),
    MonumentKind.FORTRESS: ("Castle of {r}", "Château de {r}", "قلعة {a}", "{v} citadel"),
    MonumentKind.THEATRE: ("Theatre of {r}", "Théâtre de {r}", "مسرح {a}", "{v} amphitheatre"),
    MonumentKind.MONUMENT: ("Mausoleum of {r}", "Mausolée de {r}", "ضريح {a}", "{v} shrine"),
    MonumentKind.STREET: ("Colonnade of {r}", "Colonnade de {r}", "رواق {a}", "{v} street"),
    MonumentKind.MONASTERY: (
        "Monastery of Mar {r}",
        "Monastère de Mar {r}",
        "دير مار {a}",
        "Deir Mar {v}",
    ),
    MonumentKind.MODERN_BUILDING: ("{r} Hall", "Salle {r}", "قاعة {a}", "{v} building"),
}
SINGLE_KINDS = [
    (MonumentKind.TEMPLE, 14),
    (MonumentKind.ARCH, 5),
    (MonumentKind.STATUE, 8),
    (MonumentKind.MUSEUM, 3),
    (MonumentKind.FORTRESS, 4),
    (MonumentKind.THEATRE, 4),
    (MonumentKind.MONUMENT, 12),
    (MonumentKind.STREET, 4),
    (MonumentKind.MONASTERY, 5),
    (MonumentKind.MODERN_BUILDING, 3),
    (MonumentKind.TOMB, 8),
]
GROUP_KINDS = {
    MonumentKind.TOMB_GROUP: [MonumentKind.TOMB],
    MonumentKind.MONASTERY: [MonumentKind.MONUMENT, MonumentKind.MODERN_BUILDING],
    MonumentKind.FORTRESS: [MonumentKind.MONUMENT, MonumentKind.MODERN_BUILDING],
    MonumentKind.STREET: [MonumentKind.ARCH, MonumentKind.STATUE, MonumentKind.MONUMENT],
}
GROUP_PROBABILITY = 0.07

# The clause that carries a claim, per language and state.
CLAUSES = {
    "en": {
        INTACT: ["{n} is still standing", "{n} appeared to be in good shape", "{n} was undamaged"],
        DAMAGED: ["{n} was damaged in the fighting", "{n} bore marks of fighting"],
        SEVERE: ["{n} was heavily damaged", "{n} was partly destroyed"],
        DESTROYED: ["{n} was blown up", "{n} was reduced to rubble", "{n} lies in pieces"],
        RESTORED: ["{n} has been restored", "restorers have put {n} back together"],
    },
    "fr": {
        INTACT: ["{n} est toujours debout", "{n} semble en bon état"],
        DAMAGED: ["{n} a été endommagé lors des combats", "{n} porte des traces de combats"],
        SEVERE: ["{n} a été lourdement endommagé", "{n} a été en partie détruit"],
        DESTROYED: ["{n} a été dynamité", "{n} a été rasé", "{n} est en ruines"],
        RESTORED: ["{n} a été restauré", "les restaurateurs ont remonté {n}"],
    },
    "ar": {
        INTACT: ["لا يزال {n} قائما", "يبدو {n} في حالة جيدة"],
        DAMAGED: ["تضرر {n} خلال المعارك", "لحقت أضرار بـ{n}"],
        SEVERE: ["تضرر {n} بشدة", "دمر جزء كبير من {n}"],
        DESTROYED: ["تم تفجير {n}", "دمر {n} بالكامل", "سوي {n} بالأرض"],
        RESTORED: ["تم ترميم {n}", "أعيد بناء {n}"],
    },
}
LEADS = {
    "en": {
        EvidenceKind.EYEWITNESS: "A correspondent who visited the site saw that ",
        EvidenceKind.IMAGERY: "Satellite images show that ",
        EvidenceKind.OFFICIAL: "The head of antiquities said that ",
        EvidenceKind.MONITORING_GROUP: "The monitoring group reported that ",
        EvidenceKind.UNATTRIBUTED: "",
    },
    "fr": {
        EvidenceKind.EYEWITNESS: "Un correspondant sur place a constaté que ",
        EvidenceKind.IMAGERY: "Les images satellite montrent que ",
        EvidenceKind.OFFICIAL: "Le directeur des antiquités a déclaré que ",
        EvidenceKind.MONITORING_GROUP: "Selon un groupe de surveillance, ",
        EvidenceKind.UNATTRIBUTED: "",
    },
    "ar": {
        EvidenceKind.EYEWITNESS: "شاهد مراسل زار الموقع أنه ",
        EvidenceKind.IMAGERY: "تظهر صور الأقمار الصناعية أنه ",
        EvidenceKind.OFFICIAL: "قال مدير الآثار إنه ",
        EvidenceKind.MONITORING_GROUP: "أفادت مجموعة رصد بأنه ",
        EvidenceKind.UNATTRIBUTED: "",
    },
}
ATTRIBUTIONS = {
    EvidenceKind.EYEWITNESS: "{outlet} correspondent at the site",
    EvidenceKind.IMAGERY: "satellite imagery",
    EvidenceKind.OFFICIAL: "head of the antiquities department",
    EvidenceKind.MONITORING_GROUP: "a heritage monitoring group",
    EvidenceKind.UNATTRIBUTED: "",
}
EVIDENCE_BY_KIND = {
    OutletKind.NEWS_AGENCY: [
        (EvidenceKind.EYEWITNESS, 35),
        (EvidenceKind.OFFICIAL, 35),
        (EvidenceKind.UNATTRIBUTED, 20),
        (EvidenceKind.MONITORING_GROUP, 10),
    ],
    OutletKind.NEWSPAPER: [
        (EvidenceKind.UNATTRIBUTED, 45),
        (EvidenceKind.OFFICIAL, 30),
        (EvidenceKind.EYEWITNESS, 15),
        (EvidenceKind.MONITORING_GROUP, 10),
    ],
    OutletKind.STATE_MEDIA: [(EvidenceKind.OFFICIAL, 70), (EvidenceKind.UNATTRIBUTED, 30)],
    OutletKind.MONITORING_GROUP: [(EvidenceKind.MONITORING_GROUP, 50), (EvidenceKind.IMAGERY, 50)],
    OutletKind.HERITAGE_AUTHORITY: [(EvidenceKind.OFFICIAL, 80), (EvidenceKind.IMAGERY, 20)],
    None: [(EvidenceKind.UNATTRIBUTED, 80), (EvidenceKind.OFFICIAL, 20)],
}
EVIDENCE_BY_KIND[OutletKind.BROADCASTER] = EVIDENCE_BY_KIND[OutletKind.NEWSPAPER]

CAUSES = {
    DAMAGED: [DamageCause.FIGHTING, DamageCause.SHELLING, DamageCause.LOOTING],
    SEVERE: [DamageCause.SHELLING, DamageCause.EXPLOSIVES, DamageCause.FIGHTING],
    DESTROYED: [DamageCause.EXPLOSIVES, DamageCause.EXPLOSIVES, DamageCause.SHELLING],
}
REJECTION_NOTES = [
    "The excerpt speaks of another monument of the same name.",
    "The source describes a plan, not the state of the monument.",
    "Repeats a claim the outlet retracted the next day.",
    "The photo caption contradicts the text; nothing can be read from it.",
]
INFERENCE_NOTES = [
    "'{r}' in the article: only {n} matches the description at this site.",
    "The article speaks of 'the old {k}'; {n} is the only one at the site.",
]
HEADLINES = {
    "en": "{site}: {what}",
    "fr": "{site} : {what}",
    "ar": "{site}: {what}",
}
HEADLINE_WHAT = {
    "en": ["fighting near the ancient site", "damage assessed", "monuments reported lost"],
    "fr": ["combats près du site antique", "bilan des dégâts", "des monuments détruits"],
    "ar": ["معارك قرب الموقع الأثري", "تقييم الأضرار", "تدمير معالم أثرية"],
}
DATELINES = ["Damascus", "Beirut", "Homs", "Aleppo", "Amman", "Palmyra", "Deir ez-Zor"]
BYLINES = ["Layla Haddad", "Omar Khalil", "Claire Dubois", "James Carter", "Rania Aziz", ""]


@dataclass
class Plan:
    """A monument before it is written, with the hidden history its claims follow."""

    index: int
    site: int
    slug: str
    names: dict[str, str]  # en, fr, ar, variant
    kind: str
    group: int | None  # index of the group monument it is a member of
    history: list[tuple[datetime.date, str]] = field(default_factory=list)
    obj: Monument | None = None


@dataclass
class StoryClaim:
    monument: int
    state: str
    excerpt: str
    attributed_to: str
    evidence: str
    observed_from: datetime.date | None
    observed_to: datetime.date | None
    cause: str
    quantity: int | None
    inferred: bool
    inference_note: str


@dataclass
class PlannedSource:
    source: Source
    site: int
    claims: list[StoryClaim]
    credits: list[str] = field(default_factory=list)
    photo_credits: list[str] = field(default_factory=list)
    copies: list[PlannedSource] = field(default_factory=list)


class SyntheticError(ValueError):
    """Options that cannot build a registry; the message says which and why."""


def seed(*, monuments: int, reports: int, seed: int = 1, sites: int | None = None) -> str:
    """Add a synthetic registry of *monuments* and *reports* claims in one transaction,
    then its search text, stored consensus and revision; return a summary to print.

    Raises :class:`SyntheticError` for impossible options or a seed already present.
    """
    if monuments < 1:
        raise SyntheticError("--monuments must be at least 1.")
    if reports < 0:
        raise SyntheticError("--reports cannot be negative.")
    if seed < 0:
        raise SyntheticError("--seed must be a whole number from 0.")
    if sites is None:
        sites = max(1, min(DEFAULT_SITES, monuments // 5))
    if not 1 <= sites <= monuments:
        raise SyntheticError(f"--sites must be from 1 to the number of monuments ({monuments}).")
    namespace = f"{PREFIX}-s{seed}"
    existing = already_seeded(namespace)
    if existing:
        raise SyntheticError(
            f"The registry already holds synthetic data of seed {seed} "
            f"({existing!r} exists). Run with another --seed or on a fresh database."
        )

    started = time.perf_counter()
    builder = Builder(random.Random(seed), namespace, seed)
    with transaction.atomic():
        builder.build(monuments=monuments, reports=reports, sites=sites)
        inserted = time.perf_counter()
        ids = [p.obj.pk for p in builder.plans]
        for chunk in chunks(ids, SEARCH_TEXT_CHUNK):
            services.update_search_text(monument_ids=chunk)
        searched = time.perf_counter()
        services.refresh_consensus(monument_ids=ids)
        services.bump_revision()
    finished = time.perf_counter()
    return "\n".join(
        [
            builder.summary(),
            f"Done in {finished - started:.1f} s (rows {inserted - started:.1f} s, "
            f"search text {searched - inserted:.1f} s, consensus {finished - searched:.1f} s).",
        ]
    )


def already_seeded(namespace: str) -> str | None:
    """A slug or key of this namespace already in the registry, if any."""
    for model, name in ((Site, "slug"), (Monument, "slug"), (Source, "key")):
        found = (
            model.objects.filter(**{f"{name}__startswith": f"{namespace}-"})
            .values_list(name, flat=True)
            .first()
        )
        if found:
            return found
    return None


def french(pattern: str, root: str) -> str:
    """ "Temple de {r}" with the elision French needs: "Temple d'Allat"."""
    if pattern.endswith(" de {r}") and root[0] in "AEIOUYH":
        return pattern.replace(" de {r}", " d'{r}").format(r=root)
    return pattern.format(r=root)


def chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def day_between(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randint(0, max(0, (last - first).days)))


def weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


class Builder:
    """Plans the whole registry in memory, then writes it in batches."""

    def __init__(self, rng: random.Random, namespace: str, seed: int) -> None:
        self.rng = rng
        self.ns = namespace
        self.seed = seed
        self.plans: list[Plan] = []
        self.sites: list[Site] = []
        self.outlets: dict[str, Outlet] = {}
        self.outlets_created = 0
        self.alias_count = 0
        self.sources: list[PlannedSource] = []
        self.stats: Counter[str] = Counter()

    # --- the whole run -----------------------------------------------------------------

    def build(self, *, monuments: int, reports: int, sites: int) -> None:
        self.make_outlets()
        self.make_sites(sites)
        self.plan_monuments(monuments)
        self.write_monuments()
        self.plan_sources(reports)
        self.write_sources()

    def summary(self) -> str:
        groups = {p.group for p in self.plans if p.group is not None}
        members = sum(1 for p in self.plans if p.group is not None)
        s = self.stats
        return "\n".join(
            [
                f"Created {len(self.sites)} sites, {len(self.plans)} monuments "
                f"({len(groups)} groups with {members} members), {self.alias_count} aliases.",
                f"Outlets: {self.outlets_created} created, "
                f"{len(self.outlets) - self.outlets_created} already present.",
                f"Created {len(self.sources)} sources: {s['wire_originals']} wire stories "
                f"republished {s['wire_copies']} times, {s['copying']} repeating passages "
                "of an earlier source.",
                f"Created {s['claims']} claims: {s['accepted']} accepted, {s['drafted']} drafted, "
                f"{s['rejected']} rejected; {s['inferred']} inferred.",
            ]
        )

    # --- outlets and places ------------------------------------------------------------

    def make_outlets(self) -> None:
        wanted = [(slug, name, kind) for slug, name, kind, _ in AGENCIES]
        wanted.append((*AGENCY_INPUTS, OutletKind.UNNAMED_AGENCIES))
        wanted += [(f"{PREFIX}-{slug}", name, kind) for slug, name, kind, _ in OUTLETS]
        self.languages = {slug: langs for slug, _, _, langs in AGENCIES}
        self.languages.update({f"{PREFIX}-{slug}": (lang,) for slug, _, _, lang in OUTLETS})
        for slug, name, kind in wanted:
            outlet, created = Outlet.objects.get_or_create(
                slug=slug, defaults={"name": name, "kind": kind}
            )
            self.outlets[slug] = outlet
            self.outlets_created += created
        self.agencies = [slug for slug, *_ in AGENCIES]
        self.republishers = [
            o.slug for o in self.outlets.values() if o.kind in REPUBLISHERS and o.slug != "sana"
        ]
        self.own_reporters = [
            o.slug
            for o in self.outlets.values()
            if o.kind != OutletKind.UNNAMED_AGENCIES and o.slug not in self.agencies
        ]

    def make_sites(self, count: int) -> None:
        rng = self.rng
        used: Counter[str] = Counter()
        for k in range(1, count + 1):
            prefix = rng.choice(SITE_PREFIXES)
            root = rng.choice(ROOTS)
            name = f"{prefix[0]} {root[0]}"
            used[name] += 1
            suffix = f" {used[name]}" if used[name] > 1 else ""
            site = Site(
                slug=f"{self.ns}-site-{k}",
                name=name + suffix,
                country="SY",
                description=f"Synthetic site {k} (seed {self.seed}).",
                latitude=Decimal(f"{rng.uniform(32.6, 36.9):.5f}"),
                longitude=Decimal(f"{rng.uniform(36.1, 41.4):.5f}"),
                location_precision_m=rng.choice([1000, 2000, 3000, 5000]),
            )
            site.names = {
                "en": site.name,
                "fr": f"{prefix[1]} {root[0]}{suffix}",
                "ar": f"{prefix[2]} {root[2]}{suffix}",
                "variant": f"{prefix[0]} {root[1]}{suffix}",
                "short": f"{root[0]} archaeological site",
            }
            self.sites.append(site)
        Site.objects.bulk_create(self.sites, batch_size=BATCH)

    # --- monuments ---------------------------------------------------------------------

    def plan_monuments(self, count: int) -> None:
        rng = self.rng
        # The site as a whole is a monument too (like palmyra); the rest spread unevenly.
        for k, site in enumerate(self.sites):
            self.add_plan(k, MonumentKind.SITE, None, names=dict(site.names))
        weights = [rng.uniform(0.3, 2.0) for _ in self.sites]
        per_site = Counter(
            rng.choices(range(len(self.sites)), weights=weights, k=count - len(self.sites))
        )
        for k in range(len(self.sites)):
            remaining = per_site[k]
            while remaining > 0:
                # The first site always gets a group, so even a small registry has one.
                first_group = k == 0 and remaining == per_site[k]
                if remaining >= 3 and (first_group or rng.random() < GROUP_PROBABILITY):
                    kind = rng.choice(list(GROUP_KINDS))
                    size = min(remaining - 1, rng.randint(2, 8))
                    group = self.add_plan(k, kind, None)
                    for _ in range(size):
                        self.add_plan(k, rng.choice(GROUP_KINDS[kind]), group.index)
                    remaining -= size + 1
                else:
                    self.add_plan(k, weighted(rng, SINGLE_KINDS), None)
                    remaining -= 1
        for plan in self.plans:
            plan.history = self.history()
        self.by_site: dict[int, list[int]] = {}
        for plan in self.plans:
            self.by_site.setdefault(plan.site, []).append(plan.index)

    def add_plan(self, site: int, kind: str, group: int | None, names=None) -> Plan:
        index = len(self.plans)
        if names is None:
            root = self.rng.choice(ROOTS)
            en, fr, ar, variant = KIND_NAMES[kind]
            number = f" {index + 1}"  # names repeat across a large registry; numbers do not
            names = {
                "en": en.format(r=root[0]) + number,
                "fr": french(fr, root[0]) + number,
                "ar": ar.format(a=root[2]) + number,
                "variant": variant.format(v=root[1]) + number,
                "short": en.format(r=root[0]),
            }
            slug = f"{self.ns}-{slugify(names['en'])}"
        else:
            slug = self.sites[site].slug
        plan = Plan(index, site, slug, names, kind, group)
        self.plans.append(plan)
        return plan

    def history(self) -> list[tuple[datetime.date, str]]:
        """A monument's true states over time: intact, maybe damaged, destroyed, restored."""
        rng = self.rng
        events = [(START, INTACT)]
        if rng.random() < 0.65:
            hit = day_between(rng, datetime.date(2014, 3, 1), datetime.date(2020, 12, 31))
            events.append((hit, SEVERE if rng.random() < 0.3 else DAMAGED))
            if rng.random() < 0.45:
                hit += datetime.timedelta(days=rng.randint(30, 900))
                events.append((hit, DESTROYED))
            if rng.random() < 0.2 and hit < datetime.date(2023, 1, 1):
                hit += datetime.timedelta(days=rng.randint(365, 1500))
                events.append((min(hit, datetime.date(2024, 10, 1)), RESTORED))
        return events

    def write_monuments(self) -> None:
        rng = self.rng
        for plan in self.plans:
            site = self.sites[plan.site]
            monument = Monument(
                slug=plan.slug,
                name=plan.names["en"],
                kind=plan.kind,
                site=site,
                description="",
            )
            if plan.kind == MonumentKind.SITE:
                monument.latitude, monument.longitude = site.latitude, site.longitude
                monument.location_precision_m = site.location_precision_m
            elif rng.random() < 0.85:
                monument.latitude = Decimal(
                    f"{float(site.latitude) + rng.uniform(-0.02, 0.02):.5f}"
                )
                monument.longitude = Decimal(
                    f"{float(site.longitude) + rng.uniform(-0.02, 0.02):.5f}"
                )
                monument.location_precision_m = rng.choice([50, 100, 150, 300, 800])
            plan.obj = monument
        # Groups first: members refer to them.
        Monument.objects.bulk_create(
            [p.obj for p in self.plans if p.group is None], batch_size=BATCH
        )
        members = [p for p in self.plans if p.group is not None]
        for plan in members:
            plan.obj.part_of = self.plans[plan.group].obj
        Monument.objects.bulk_create([p.obj for p in members], batch_size=BATCH)

        aliases = []
        for plan in self.plans:
            names = plan.names
            chosen = [("ar", names["ar"]), ("fr", names["fr"])]
            extra = [("en", names["variant"]), ("en", names["short"])]
            chosen += rng.sample(extra, rng.randint(0, 2))
            aliases += [Alias(monument=plan.obj, language=lang, name=n) for lang, n in chosen]
        Alias.objects.bulk_create(aliases, batch_size=BATCH)
        self.alias_count = len(aliases)

    # --- sources and claims --------------------------------------------------------------

    def plan_sources(self, budget: int) -> None:
        rng = self.rng
        site_weights = [len(self.by_site.get(k, [])) for k in range(len(self.sites))]
        earlier_by_site: dict[int, list[PlannedSource]] = {}
        story = 0
        while budget > 0:
            story += 1
            site = rng.choices(range(len(self.sites)), weights=site_weights)[0]
            published = day_between(rng, START, END)
            candidates = self.by_site[site]
            size = min(len(candidates), rng.choice([1, 1, 2, 2, 3, 4, 5, 6, 8]))
            chosen = rng.sample(candidates, size)
            if rng.random() < 0.35:
                planned = self.plan_wire_story(story, site, published, chosen)
            else:
                planned = [self.plan_own_story(story, site, published, chosen, earlier_by_site)]
            for p in planned:
                if budget <= 0:
                    break
                p.claims = p.claims[:budget]
                budget -= len(p.claims)
                self.sources.append(p)
                earlier_by_site.setdefault(site, []).append(p)

    def new_source(
        self, story: int, site: int, published: datetime.date, outlet: str | None, n: int = 0
    ) -> Source:
        language = self.rng.choice(self.languages[outlet]) if outlet else "en"
        what = self.rng.choice(HEADLINE_WHAT[language])
        short = (outlet or "unnamed").removeprefix(f"{PREFIX}-")
        key = f"{self.ns}-{short}-{published.isoformat()}-{story}" + (f"-{n}" if n else "")
        return Source(
            key=key,
            kind=SourceKind.ARTICLE,
            outlet=self.outlets[outlet] if outlet else None,
            title=HEADLINES[language].format(site=self.site_name(site, language), what=what),
            byline=self.rng.choice(BYLINES),
            dateline=self.rng.choice(DATELINES),
            published_on=published,
            url=f"https://example.org/{key}",
            language=language,
        )

    def site_name(self, site: int, language: str) -> str:
        return self.sites[site].names[language]

    def plan_wire_story(
        self, story: int, site: int, published: datetime.date, chosen: list[int]
    ) -> list[PlannedSource]:
        """An agency story and its republications: one copy cluster."""
        rng = self.rng
        agency = rng.choice(self.agencies)
        original = self.new_source(story, site, published, agency)
        original.wire_story = f"{self.ns}-{agency}-{published.isoformat()}-{story}"
        claims = [self.claim(m, original, agency) for m in chosen]
        head = PlannedSource(original, site, claims, credits=[agency], photo_credits=[agency])
        result = [head]
        self.stats["wire_originals"] += 1
        for n in range(1, rng.randint(1, 5) + 1):
            outlet = rng.choice(
                [o for o in self.republishers if original.language in self.languages[o]]
                or self.republishers
            )
            day = min(published + datetime.timedelta(days=rng.randint(0, 2)), END)
            copy = self.new_source(story, site, day, outlet, n)
            copy.language = original.language
            copy.title = original.title
            copy.wire_story = original.wire_story
            kept = [c for c in claims if rng.random() < 0.85] or claims[:1]
            credits = [agency, AGENCY_INPUTS[0]] if rng.random() < 0.1 else [agency]
            photos = [agency] if rng.random() < 0.5 else []
            result.append(PlannedSource(copy, site, kept, credits=credits, photo_credits=photos))
            self.stats["wire_copies"] += 1
        return result

    def plan_own_story(
        self,
        story: int,
        site: int,
        published: datetime.date,
        chosen: list[int],
        earlier_by_site: dict[int, list[PlannedSource]],
    ) -> PlannedSource:
        rng = self.rng
        outlet = rng.choice(self.own_reporters) if rng.random() < 0.95 else None
        source = self.new_source(story, site, published, outlet)
        kind = self.outlets[outlet].kind if outlet else None
        if kind == OutletKind.HERITAGE_AUTHORITY:
            source.kind = SourceKind.STATEMENT
        elif kind == OutletKind.MONITORING_GROUP:
            source.kind = rng.choice([SourceKind.IMAGERY_REPORT, SourceKind.FIELD_REPORT])
        planned = PlannedSource(source, site, [])
        if outlet is None:
            planned.credits = [AGENCY_INPUTS[0]]
        # Some stories repeat passages of an earlier one about the same site.
        earlier = [
            p
            for p in earlier_by_site.get(site, [])[-30:]
            if p.source.published_on <= published and p.source.language == source.language
        ]
        if earlier and rng.random() < 0.12:
            model = rng.choice(earlier)
            planned.copies = [model]
            repeated = rng.sample(model.claims, min(len(model.claims), rng.randint(1, 3)))
            taken = {c.monument for c in repeated}
            planned.claims = repeated + [
                self.claim(m, source, outlet) for m in chosen if m not in taken
            ]
            self.stats["copying"] += 1
        else:
            planned.claims = [self.claim(m, source, outlet) for m in chosen]
        return planned

    def claim(self, monument: int, source: Source, outlet: str | None) -> StoryClaim:
        rng = self.rng
        plan = self.plans[monument]
        published = source.published_on
        observed_from = observed_to = None
        shape = rng.random()
        if shape < 0.6:
            observed_from = published - datetime.timedelta(days=rng.randint(0, 10))
        elif shape < 0.75:
            observed_to = published - datetime.timedelta(days=rng.randint(0, 10))
            observed_from = observed_to - datetime.timedelta(days=rng.randint(20, 400))
        state = self.state_at(plan, observed_to or observed_from or published)
        kind = self.outlets[outlet].kind if outlet else None
        evidence = weighted(rng, EVIDENCE_BY_KIND[kind])
        language = source.language
        name = plan.names[language if language in ("fr", "ar") else "en"]
        clause = rng.choice(CLAUSES[language][state]).format(n=name)
        lead = LEADS[language][evidence]
        excerpt = lead + clause if lead else clause[0].upper() + clause[1:]
        outlet_name = self.outlets[outlet].name if outlet else "A"
        inferred = rng.random() < 0.08
        return StoryClaim(
            monument=monument,
            state=state,
            excerpt=excerpt + ("." if language != "ar" else ""),
            attributed_to=ATTRIBUTIONS[evidence].format(outlet=outlet_name),
            evidence=evidence,
            observed_from=observed_from,
            observed_to=observed_to,
            cause=rng.choice(CAUSES[state]) if state in CAUSES and rng.random() < 0.7 else "",
            quantity=rng.randint(2, 12)
            if plan.kind == MonumentKind.TOMB_GROUP and rng.random() < 0.3
            else None,
            inferred=inferred,
            inference_note=rng.choice(INFERENCE_NOTES).format(
                r=plan.kind.replace("_", " "), n=plan.names["en"], k=plan.kind.replace("_", " ")
            )
            if inferred
            else "",
        )

    def state_at(self, plan: Plan, day: datetime.date) -> str:
        """The true state on *day*, as a source reports it: mostly right, sometimes not."""
        rng = self.rng
        state = INTACT
        for when, value in plan.history:
            if when <= day:
                state = value
        roll = rng.random()
        if roll < 0.03:  # a plain contradiction
            return INTACT if state in (SEVERE, DESTROYED) else DESTROYED
        if roll < 0.15 and state in SCALE:  # one step off, either way
            i = SCALE.index(state) + rng.choice([-1, 1])
            return SCALE[min(max(i, 0), len(SCALE) - 1)]
        return state

    def write_sources(self) -> None:
        Source.objects.bulk_create([p.source for p in self.sources], batch_size=BATCH)
        credits, photos, copies = [], [], []
        Credit = Source.wire_credits.through
        Photo = Source.photo_credits.through
        Copy = Source.copies_passages_from.through
        for p in self.sources:
            sid = p.source.pk
            credits += [Credit(source_id=sid, outlet_id=self.outlets[o].pk) for o in p.credits]
            photos += [Photo(source_id=sid, outlet_id=self.outlets[o].pk) for o in p.photo_credits]
            copies += [Copy(from_source_id=sid, to_source_id=m.source.pk) for m in p.copies]
        Credit.objects.bulk_create(credits, batch_size=BATCH)
        Photo.objects.bulk_create(photos, batch_size=BATCH)
        Copy.objects.bulk_create(copies, batch_size=BATCH)

        batch: list[DamageReport] = []
        for p in self.sources:
            for c in p.claims:
                batch.append(self.report(p.source, c))
                if len(batch) >= BATCH:
                    DamageReport.objects.bulk_create(batch, batch_size=BATCH)
                    batch = []
        DamageReport.objects.bulk_create(batch, batch_size=BATCH)

    def report(self, source: Source, c: StoryClaim) -> DamageReport:
        rng = self.rng
        plan = self.plans[c.monument]
        report = DamageReport(
            source=source,
            key=f"{plan.slug.removeprefix(self.ns + '-')}-{c.state.replace('_', '-')}",
            monument=plan.obj,
            state=c.state,
            excerpt=c.excerpt,
            attributed_to=c.attributed_to,
            evidence=c.evidence,
            observed_from=c.observed_from,
            observed_to=c.observed_to,
            cause=c.cause,
            quantity=c.quantity,
            inferred=c.inferred,
            inference_note=c.inference_note,
        )
        roll = rng.random()
        reviewed = datetime.datetime.combine(
            source.published_on + datetime.timedelta(days=rng.randint(1, 90)),
            datetime.time(12, 0),
            tzinfo=datetime.UTC,
        )
        if roll < 0.85:
            report.review_status = ReviewStatus.ACCEPTED
            report.reviewed_at = reviewed
        elif roll < 0.95:
            report.review_status = ReviewStatus.DRAFTED
        else:
            report.review_status = ReviewStatus.REJECTED
            report.reviewed_at = reviewed
            report.review_note = rng.choice(REJECTION_NOTES)
        rank = rng.random()
        if rank < 0.005:
            report.rank = Rank.DEPRECATED
            report.rank_reason = "The outlet later retracted this report."
            report.ranked_at = reviewed
        elif rank < 0.007:
            report.rank = Rank.PREFERRED
            report.rank_reason = "Confirmed by an on-site survey."
            report.ranked_at = reviewed
        self.stats["claims"] += 1
        self.stats[report.review_status] += 1
        self.stats["inferred"] += c.inferred
        return report
