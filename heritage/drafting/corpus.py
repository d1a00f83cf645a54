"""A labelled corpus of articles, and the evaluation of drafting on it.

A corpus is a folder of articles (``*.txt``, in sub-folders at any depth) with a label
file of the same relative path and name (``*.json``), in the same folder or in a
separate labels folder::

    {"url": "…", "outlet": "Reuters", "published_on": "2016-03-27",
     "published_on_basis": "text", "conflict": "syria-2013-2018",
     "copy_of": ["<key of an earlier article of the corpus>"],
     "claims": [{"monument": "temple-of-bel", "state": "destroyed",
                 "classes": ["neighbour-sentence"], "evidence": "reported"}, …]}

Only ``claims`` is required; a claim's ``evidence`` (an evidence kind) is optional and
scored on its own. ``published_on`` is used when the text gives no full date;
``published_on_basis`` says where the date comes from ("text" when the text states
it, which is what the metadata score checks). The conflict is the label's
``conflict``, else the article's folder. An article's key is its file name without
``.txt``; ``copy_of`` names other articles of the corpus by that key.

:func:`evaluate` drafts every article (in date order, so that a copy is drafted after
the article it copies and can be recognised by its fingerprint) and returns a
:class:`Report`: per-article scores, the micro-average overall and per conflict, the
failure classes, the metadata and the copies.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from heritage.drafting.article import DraftingError, DraftSource, NothingToDraft
from heritage.drafting.copies import KnownSource
from heritage.drafting.evaluation import (
    ClassScore,
    CopyScore,
    ErrorBreakdown,
    EvidenceScore,
    MetadataScore,
    NearScore,
    Score,
    Total,
    drafted_classes,
    expected_pairs,
    labelled_classes,
    micro_average,
    outlet_words,
    same_outlet,
    score,
    score_classes,
    score_errors,
    score_evidence,
    score_near,
)
from heritage.drafting.reading import UnreadableArticle, decode_article

NO_FOLDER = "{folder}: no such folder"
NO_ARTICLES = "{folder}: no *.txt articles in it"
NO_LABELS = "{path}: no labels for this article"
BAD_LABELS = "{path}: not a JSON label file ({error})"
LABELS_SHAPE = '{path}: expected {{"published_on": …, "claims": [{{"monument": …, "state": …}}]}}'
BAD_EVIDENCE = "{path}: evidence {value!r} is not one of {kinds}"
# The kinds of ``heritage.models.EvidenceKind`` (drafting does not import the models).
EVIDENCE_KINDS = (
    "eyewitness",
    "imagery",
    "official",
    "monitoring_group",
    "reported",
    "unattributed",
)
BAD_STATE = "{path}: state {value!r} is not one of {states}"
# The states a claim may give (``heritage.models.DamageState`` less the consensus's own
# ``unknown``).
STATES = ("intact", "damaged", "severely_damaged", "destroyed", "restored")
BAD_LABEL_DATE = "{path}: published_on must be a date written YYYY-MM-DD, not {value!r}"


class CorpusError(ValueError):
    """The corpus cannot be read as given; the message names the file."""


def fixture_records(paths: list[str]) -> list[dict]:
    """The objects of the fixture files *paths* (a gazetteer to evaluate with); raises
    CorpusError naming a file that is not a fixture."""
    records = []
    for name in paths:
        try:
            data = json.loads(Path(name).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CorpusError(f"{name}: cannot read it as a fixture ({exc})") from None
        if not isinstance(data, list):
            raise CorpusError(f"{name}: a fixture is a JSON list of objects")
        records += [r for r in data if isinstance(r, dict)]
    return records


@dataclass
class Article:
    key: str
    path: Path
    conflict: str
    labels: dict

    @property
    def fallback_date(self) -> datetime.date | None:
        value = self.labels.get("published_on")
        return datetime.date.fromisoformat(value) if value else None


def read_corpus(folder: Path, labels_folder: Path | None = None) -> list[Article]:
    """The articles of *folder* with their labels; raises CorpusError naming the file."""
    labels_folder = labels_folder or folder
    for each in {folder, labels_folder}:
        if not each.is_dir():
            raise CorpusError(NO_FOLDER.format(folder=each))
    paths = sorted(folder.rglob("*.txt"))
    if not paths:
        raise CorpusError(NO_ARTICLES.format(folder=folder))
    articles = []
    for path in paths:
        relative = path.relative_to(folder)
        labels = _labels(labels_folder / relative.with_suffix(".json"))
        conflict = labels.get("conflict") or (relative.parent.name if relative.parent.name else "")
        articles.append(Article(path.stem, path, str(conflict), labels))
    return articles


def _labels(path: Path) -> dict:
    try:
        labels = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CorpusError(NO_LABELS.format(path=path)) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise CorpusError(BAD_LABELS.format(path=path, error=exc)) from None
    claims = labels.get("claims", []) if isinstance(labels, dict) else None
    if not isinstance(claims, list) or not all(
        isinstance(c, dict) and "monument" in c and "state" in c for c in claims
    ):
        raise CorpusError(LABELS_SHAPE.format(path=path))
    for claim in claims:
        if claim["state"] not in STATES:
            raise CorpusError(
                BAD_STATE.format(path=path, value=claim["state"], states=", ".join(STATES))
            )
        if claim.get("evidence") is not None and claim["evidence"] not in EVIDENCE_KINDS:
            raise CorpusError(
                BAD_EVIDENCE.format(
                    path=path, value=claim["evidence"], kinds=", ".join(EVIDENCE_KINDS)
                )
            )
    value = labels.get("published_on")
    if value is not None:
        try:
            datetime.date.fromisoformat(value)
        except (TypeError, ValueError):
            raise CorpusError(BAD_LABEL_DATE.format(path=path, value=value)) from None
    return labels


@dataclass
class ArticleResult:
    article: Article
    score: Score
    draft: DraftSource | None = None
    problem: str = ""
    # The date the text gives when nothing was drafted (no monument named): still read.
    date_read: datetime.date | None = None
    names_nothing: bool = False  # read, and no monument of the gazetteer named
    reasons: dict[tuple[str, str], str] = field(default_factory=dict)  # why missed or extra

    @property
    def date_from_text(self) -> datetime.date | None:
        if self.draft is not None:
            return self.draft.published_on if self.draft.date_from_text else None
        return self.date_read


@dataclass
class Report:
    articles: list[ArticleResult] = field(default_factory=list)
    classes: dict[str, ClassScore] = field(default_factory=dict)
    metadata: MetadataScore = field(default_factory=MetadataScore)
    copies: CopyScore = field(default_factory=CopyScore)
    evidence: EvidenceScore = field(default_factory=EvidenceScore)
    errors: ErrorBreakdown = field(default_factory=ErrorBreakdown)
    near: NearScore = field(default_factory=NearScore)

    @property
    def total(self) -> Total:
        return micro_average(r.score for r in self.articles)

    def by_conflict(self) -> dict[str, Total]:
        """The micro-average of each conflict's articles, scored on their own."""
        conflicts: dict[str, list[Score]] = {}
        for result in self.articles:
            conflicts.setdefault(result.article.conflict, []).append(result.score)
        return {name: micro_average(scores) for name, scores in sorted(conflicts.items())}


# draft(text, fallback_published_on, known_sources) -> DraftSource
Drafter = Callable[[str, datetime.date | None, list[KnownSource]], DraftSource]


def evaluate(articles: list[Article], draft: Drafter, site_slugs: set[str]) -> Report:
    """Draft each article and score it against its labels (see the module docstring)."""
    report = Report()
    drafted: list[KnownSource] = []
    drafted_keys: dict[str, str] = {}  # source key -> article key
    order = sorted(articles, key=lambda a: (a.fallback_date or datetime.date.max, a.key))
    for article in order:
        result = _draft_one(article, draft, drafted)
        report.articles.append(result)
        labelled = [
            ((c["monument"], c["state"]), labelled_classes(c, site_slugs))
            for c in article.labels.get("claims", [])
        ]
        found = []
        if result.draft:
            found = [
                (
                    (c.monument, c.state),
                    drafted_classes(c.monument, c.state, c.readings, site_slugs),
                )
                for c in result.draft.claims
            ]
            drafted.append(
                KnownSource(
                    key=result.draft.key,
                    published_on=result.draft.published_on,
                    credits=frozenset(),
                    unnamed_credit=False,
                    excerpts=(),
                    fingerprint=result.draft.fingerprint,
                )
            )
            drafted_keys[result.draft.key] = article.key
        score_classes(found, labelled, report.classes)
        score_near(result.score.found, result.score.expected, report.near)
        source = result.draft
        # Wording in the body about the monument, not as a place: what the rules weighed.
        tied = [
            c
            for c in (source.candidates if source else [])
            if not c.features.get("headline") and not c.features.get("locative")
        ]
        result.reasons = score_errors(
            result.score.found,
            result.score.expected,
            report.errors,
            drafted=source is not None or result.names_nothing,
            named=source.named if source else (),
            tied={(c.monument, c.state) for c in tied},
            read={
                (c.monument, c.state)
                for c in tied
                if c.features.get("rule")
                or c.features.get("lexicon_same")
                or c.features.get("negated_to")
            },
        )
        score_evidence(
            [((c.monument, c.state), c.evidence) for c in result.draft.claims]
            if result.draft
            else [],
            [
                ((c["monument"], c["state"]), c["evidence"])
                for c in article.labels.get("claims", [])
                if c.get("evidence")
            ],
            report.evidence,
        )
        _score_metadata(article, result, report.metadata)
        _score_copies(article, result.draft, drafted_keys, report.copies)
    report.articles.sort(key=lambda r: r.article.key)
    return report


DRAFTER_FAULT = "the drafter failed on it"


def _draft_one(article: Article, draft: Drafter, known: list[KnownSource]) -> ArticleResult:
    expected = expected_pairs(article.labels)
    try:
        text = decode_article(article.path.read_bytes())
        result = draft(text, article.fallback_date, list(known))
    except NothingToDraft as exc:
        return ArticleResult(
            article,
            score(article.key, set(), expected),
            problem=str(exc),
            date_read=exc.published_on,
            names_nothing=True,
        )
    except (DraftingError, UnreadableArticle) as exc:
        return ArticleResult(
            article, score(article.key, set(), expected), problem=f"not drafted: {exc}"
        )
    except Exception as exc:  # a fault of the drafter: scored as nothing drafted, and told
        return ArticleResult(
            article,
            score(article.key, set(), expected),
            problem=f"not drafted: {DRAFTER_FAULT} ({type(exc).__name__}: {exc})",
        )
    found = {(c.monument, c.state) for c in result.claims}
    return ArticleResult(article, score(article.key, found, expected), draft=result)


def _score_metadata(article: Article, result: ArticleResult, into: MetadataScore) -> None:
    labels = article.labels
    draft = result.draft
    from_text = labels.get("published_on_basis") == "text" and labels.get("published_on")
    into.date_labelled += bool(from_text)
    if result.date_from_text is not None:
        into.dated += 1
        right = str(result.date_from_text) == labels.get("published_on")
        into.dated_right += right
        into.labelled_dated_right += right and bool(from_text)
    outlet = labels.get("outlet", "")
    text = article.path.read_text(encoding="utf-8", errors="replace")
    named = bool(outlet) and text_names_outlet(text, outlet)
    into.outlet_labelled += named
    if draft is not None and draft.outlet is not None:
        right = same_outlet(draft.outlet.name, outlet)
        into.outlet_read += 1
        into.outlet_right += right
        into.labelled_outlet_right += right and named


def _score_copies(
    article: Article, draft: DraftSource | None, keys: dict[str, str], into: CopyScore
) -> None:
    expected = set(article.labels.get("copy_of", []))
    into.labelled += len(expected)
    if draft is None:
        return
    flagged = {keys.get(key, key) for key in draft.copy_shares}
    into.flagged += len(flagged)
    into.flagged_right += len(flagged & expected)


def text_names_outlet(text: str, outlet: str) -> bool:
    """The text names the outlet, as whole words ("The Irish Times" as "Irish Times"
    too; "AP" not in "apart")."""
    words = outlet_words(outlet)
    if not words:
        return False
    return bool(re.search(r"(?<!\w)" + r"\W+".join(map(re.escape, words)) + r"(?!\w)", text, re.I))
