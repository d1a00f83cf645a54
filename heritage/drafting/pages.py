"""Articles as ``draft_fixture`` receives them: a plain-text copy of a page, a saved web
page (``.html``), or standard input.

A saved page goes through trafilatura, which finds the article's body among the page's
navigation, comments and scripts, and reads its title, date, author, site name and
address from the page's markup. The result is laid out as a copied page would be
(headline and site name, date line, byline, story) so that the same metadata and claim
rules read both; every excerpt is then a slice of the text trafilatura extracted.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import trafilatura

from heritage.drafting.reading import (
    BINARY,
    EMPTY,
    TOO_LARGE,
    UnreadableArticle,
    check_size,
    decode_article,
)

MAX_PAGE_BYTES = 10_000_000  # a saved page carries scripts and styles besides the story
NO_ARTICLE = (
    "no article text could be found in this page (it may be an index, a video or a "
    "script-only page): save the article's own page, or copy its text into a .txt file"
)
PAGE_SUFFIXES = (".html", ".htm", ".xhtml")
_MARKUP_START = re.compile(rb"^\s*(?:<!doctype\s+html|<html|<head|<\?xml[^>]*>\s*<html)", re.I)
_MIN_WORDS = 15


@dataclass(frozen=True)
class ArticleText:
    """An article's text, with what the page's markup said about it."""

    text: str
    url: str = ""
    site_name: str = ""


def check_article_size(name: str, size: int) -> None:
    """Refuse a file too large to be one article before reading it: 1 MB of text, or 10
    MB for a saved page."""
    if name.lower().endswith(PAGE_SUFFIXES):
        if size > MAX_PAGE_BYTES:
            raise UnreadableArticle(_too_large_page(size))
    else:
        check_size(size)


def _too_large_page(size: int) -> str:
    return TOO_LARGE.replace("at most 1 MB", "at most 10 MB for a saved page").format(
        size=f"{size / 1_000_000:.1f} MB"
    )


def read_article(name: str, data: bytes) -> ArticleText:
    """The article in *data* (read from *name*, or "-" for standard input): a saved page
    when the name or the content says HTML, else UTF-8 text. Raises UnreadableArticle."""
    if name.lower().endswith(PAGE_SUFFIXES) or _MARKUP_START.match(data[:512]):
        return read_saved_page(data)
    return ArticleText(decode_article(data))


def read_saved_page(data: bytes) -> ArticleText:
    """The article of a saved web page, laid out as a copied page."""
    if len(data) > MAX_PAGE_BYTES:
        raise UnreadableArticle(_too_large_page(len(data)))
    if not data.strip():
        raise UnreadableArticle(EMPTY)
    if b"\x00" in data:
        raise UnreadableArticle(BINARY)
    # trafilatura reports pages it cannot parse on its logger; the error below says it.
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    document = trafilatura.bare_extraction(
        data, with_metadata=True, include_comments=False, include_tables=False
    )
    found = document.as_dict() if document is not None else {}
    body = (found.get("text") or "").strip()
    if len(body.split()) < _MIN_WORDS:
        raise UnreadableArticle(NO_ARTICLE)
    title = " ".join((found.get("title") or "").split())
    site = " ".join((found.get("sitename") or "").split())
    url = found.get("url") or ""
    if not re.match(r"https?://[^\s/]+", url) or len(url) > 500:
        url = ""  # only an absolute address goes into the source
    if not site and url:
        site = urlsplit(url).hostname or ""
        site = site.removeprefix("www.")
    lines = []
    if title:
        lines.append(f"{title} | {site}" if site and site.lower() not in title.lower() else title)
    if found.get("date"):
        lines.append(found["date"])
    if found.get("author"):
        lines.append(f"By {found['author']}")
    paragraphs = body.split("\n")
    if title and paragraphs and paragraphs[0].strip() == title:
        paragraphs = paragraphs[1:]  # the headline again, at the top of the body
    text = "\n\n".join([*lines, *(p.strip() for p in paragraphs if p.strip())]) + "\n"
    return ArticleText(text, url=url, site_name=site)
