"""Reading an article copied from a web page: decoding, lines, sentences and words.

A copied page holds much besides the story: navigation, share buttons, captions,
related headlines, comment boxes. Lines are classified so that claims are drafted from
the story's own sentences only, while captions and header lines still feed the
metadata (photo credits, title, date).

Pure functions over strings; offsets always refer to the decoded text, so that an
excerpt is a slice of the article exactly as given.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum

from heritage.text import normalise

MAX_BYTES = 1_000_000

EMPTY = "the file is empty"
TOO_LARGE = "{size} is too large for one article (at most 1 MB): give the article's text only"
BINARY = "this is a binary file, not text (save the article as plain text)"
NOT_UTF8 = (
    "this is not UTF-8 text (byte 0x{byte:02x} at position {position} is invalid): "
    "save the article as UTF-8"
)


class UnreadableArticle(ValueError):
    """The input cannot be read as an article; the message says why."""


def check_size(size: int) -> None:
    """Refuse a file too large to be one article (checked before reading it)."""
    if size > MAX_BYTES:
        raise UnreadableArticle(TOO_LARGE.format(size=_size(size)))


def decode_article(data: bytes) -> str:
    """The text of an article file, or UnreadableArticle naming the problem."""
    check_size(len(data))
    if b"\x00" in data:
        raise UnreadableArticle(BINARY)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableArticle(
            NOT_UTF8.format(byte=data[exc.start], position=exc.start)
        ) from None
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f\v")
    if controls > max(2, len(text) // 100):
        raise UnreadableArticle(BINARY)
    if not text.strip():
        raise UnreadableArticle(EMPTY)
    return text


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{n} bytes"


# --- words -------------------------------------------------------------------------------

# Letters and digits, with the combining marks that normalise() drops kept inside words.
_WORD = re.compile(
    r"(?:[^\W_]|[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640])+"
)


@dataclass(frozen=True)
class Token:
    text: str
    norm: str  # normalise(text): lower case, no accents or Arabic marks
    start: int
    end: int


def tokenize(text: str, offset: int = 0) -> list[Token]:
    """Words of *text* with their offsets (shifted by *offset*)."""
    tokens = []
    for match in _WORD.finditer(text):
        norm = normalise(match.group())
        if norm:
            tokens.append(Token(match.group(), norm, match.start() + offset, match.end() + offset))
    return tokens


# --- lines -------------------------------------------------------------------------------


class LineKind(Enum):
    BLANK = "blank"
    CLUTTER = "clutter"  # navigation, share buttons, ads, credits lines
    CAPTION = "caption"  # a photo caption or credit
    DATE = "date"  # a line that is essentially a date (and time)
    BYLINE = "byline"
    HEADING = "heading"  # title, standfirst without a full stop, section heading
    BODY = "body"  # the story's sentences
    TRAILER = "trailer"  # related stories, comments and whatever follows them


@dataclass(frozen=True)
class Line:
    number: int  # 0-based
    start: int
    text: str  # without the line break
    kind: LineKind
    continues: bool = False  # a hard-wrapped line: its sentence goes on in the next line

    @property
    def end(self) -> int:
        return self.start + len(self.text)


# A line that starts the page's tail: everything after it is other stories or readers'
# comments, never the story itself.
_TRAILER = re.compile(
    r"^(?:related(?:\s+(?:stories|articles|coverage|content|news))?|more from\b.*|"
    r"you (?:may|might) also like|most (?:viewed|read|popular)|read more(?: on)?\b.*|"
    r"topics|tags|comments?(?:\s*\(\d+\))?|\d+\s+comments?|leave a (?:comment|reply)|"
    r"add a comment|post a comment|comments are closed\.?|facebook comments|"
    r"social streams|join the conversation\b.*|recommended(?: for you)?|"
    r"more (?:stories|on this story)|latest (?:news|stories)|trending|"
    r"sign in or create\b.*|report abuse\b.*|reader comments)\s*:?$",
    re.IGNORECASE,
)
_CLUTTER_WORDS = re.compile(
    r"\b(?:share|shares|tweet|facebook|twitter|whatsapp|linkedin|google\+|email|e-mail|"
    r"print|reply|subscribe|newsletter|advertisement|copy link|link copied|min read|"
    r"select page|media id|caption|sign in|log in|home|menu|search|print this)\b",
    re.IGNORECASE,
)
_CREDITS_LINE = re.compile(
    r"^\(?(?:reporting|writing|editing|additional reporting)\s+by\b|^our standards\b|"
    r"^(?:copyright|©)\s|\ball rights reserved\b",
    re.IGNORECASE,
)
_PHOTO_CREDIT = re.compile(
    r"\b(?:AFP PHOTO|AP Photo|REUTERS/|Getty Images|EPA|Photograph:|Photo:|Photos:|"
    r"via Reuters|file photo|Handout|STRINGER)\b|"
    r"/\s*(?:AFP|AP|REUTERS|SANA|EPA)\b|"
    r"\((?:[^()]{0,60},\s*)?(?:AFP|AP|Reuters|REUTERS|SANA|EPA)\)\s*$|"
    r"^(?:Photo|Photograph|Image|Picture)\s*:",
)
_BYLINE = re.compile(r"^by\s+\S", re.IGNORECASE)
_BULLET = re.compile(r"[·•▪◦*–-]\s")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s*$")


def classify_lines(text: str) -> list[Line]:
    """Every line of *text* with its kind (see LineKind)."""
    from heritage.drafting.dates import is_date_line  # dates imports this module

    lines: list[Line] = []
    position = 0
    in_trailer = False
    seen_body = False
    list_open = False  # the last line opened a list, or was one of its items
    for number, raw in enumerate(text.split("\n")):
        line_text = raw.rstrip("\r")
        stripped = line_text.strip()
        words = len(stripped.split())
        if not stripped:
            kind = LineKind.BLANK
        elif in_trailer:
            kind = LineKind.TRAILER
        elif _TRAILER.match(stripped):
            kind = LineKind.TRAILER
            # A tail marker before the story starts is a menu item, not the tail.
            in_trailer = seen_body
        elif _PHOTO_CREDIT.search(stripped) and (words > 4 or stripped.startswith("Photo")):
            # ("Damascus / AFP" is a dateline, not a caption.)
            kind = LineKind.CAPTION
        elif _CREDITS_LINE.search(stripped):
            kind = LineKind.CLUTTER
        elif words <= 16 and is_date_line(stripped):
            kind = LineKind.DATE
        elif _BYLINE.match(stripped) and words <= 12:
            kind = LineKind.BYLINE
        elif _is_clutter(stripped, words):
            kind = LineKind.CLUTTER
        elif _SENTENCE_END.search(stripped) and words >= 5 or words > 30:
            kind = LineKind.BODY
            seen_body = True
        elif (seen_body and words >= 5 or words >= 12) and stripped.endswith(":"):
            kind = LineKind.BODY  # a sentence of the story opening a list
        elif list_open and (_BULLET.match(stripped) or stripped.endswith((";", ","))):
            kind = LineKind.BODY  # an item of the list the sentence before opened
        else:
            kind = LineKind.HEADING
        if kind is LineKind.BODY:
            list_open = stripped.endswith((":", ";", ",")) or bool(_BULLET.match(stripped))
        elif kind is not LineKind.BLANK:
            list_open = False
        lines.append(Line(number, position, line_text, kind))
        position += len(raw) + 1
    return _unwrapped(lines)


# Words a heading never ends with but a line broken inside a sentence often does.
_OPEN_ENDING = re.compile(
    r"(?:,|\b(?:a|an|the|of|and|or|but|in|on|at|to|from|with|by|for|as|its|their|his|her|"
    r"that|which|who|was|were|is|are|had|has|have|been|into|after|before|than|near))$",
    re.IGNORECASE,
)
WRAP_MIN_CHARS = 30


def _unwrapped(lines: list[Line]) -> list[Line]:
    """Plain text broken into lines of a fixed width (wire copy, e-mail): a line that
    does not end its sentence and runs on into the next non-blank line is part of one
    paragraph with it. The text counts as hard-wrapped when at least two lines clearly
    break inside a sentence (the next line starts in lower case, or the line ends with a
    comma or a word like "the", "of", "and"); then every such line of at least
    ``WRAP_MIN_CHARS`` characters continues, and the lines of a paragraph are body."""
    prose = (LineKind.HEADING, LineKind.BODY)
    candidates = [
        i
        for i in range(len(lines) - 1)
        if lines[i].kind in prose
        and lines[i + 1].kind in prose
        and not _SENTENCE_END.search(lines[i].text.strip())
        and len(lines[i].text.strip()) >= WRAP_MIN_CHARS
    ]
    clear = [
        i
        for i in candidates
        if lines[i + 1].text.lstrip()[:1].islower() or _OPEN_ENDING.search(lines[i].text.strip())
    ]
    if len(clear) < 2:
        return lines
    wraps = set(candidates)
    result = list(lines)
    for i in sorted(wraps):
        # A paragraph of wrapped lines is body when it ends a sentence.
        j = i
        while j in wraps:
            j += 1
        if not _SENTENCE_END.search(lines[j].text.strip()):
            continue
        for k in range(i, j + 1):
            result[k] = Line(
                lines[k].number, lines[k].start, lines[k].text, LineKind.BODY, k in wraps
            )
    return result


def _is_clutter(stripped: str, words: int) -> bool:
    if words > 12 or _SENTENCE_END.search(stripped) and words >= 6:
        return False
    hits = len(_CLUTTER_WORDS.findall(stripped))
    return hits >= 1 and (hits * 3 >= words or words <= 4) or stripped.startswith(("Home >",))


# --- sentences ---------------------------------------------------------------------------

_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "st",
    "mt",
    "gen",
    "col",
    "lt",
    "sgt",
    "capt",
    "maj",
    "prof",
    "rev",
    "sen",
    "rep",
    "gov",
    "no",
    "vs",
    "etc",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "inc",
    "co",
    "corp",
    "ltd",
    "approx",
}
_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"“‘'(\[]?[A-Z0-9])")


@dataclass(frozen=True)
class Sentence:
    start: int  # offset in the article
    text: str

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def split_sentences(text: str, offset: int = 0) -> list[Sentence]:
    """Sentences of one paragraph, with offsets in the article (paragraph at *offset*)."""
    sentences = []
    begin = 0
    for match in _BOUNDARY.finditer(text):
        if match.group().startswith(".") and _is_abbreviation(text, match.start()):
            continue
        _append(sentences, text, begin, match.end(), offset)
        begin = match.end()
    _append(sentences, text, begin, len(text), offset)
    return sentences


def _is_abbreviation(text: str, dot: int) -> bool:
    word = re.search(r"([\w.]+)$", text[:dot])
    if not word:
        return False
    token = word.group(1)
    if len(token) == 1 and token.isupper():  # an initial: "H. Said"
        return True
    if "." in token:  # "U.S", "a.m"
        return True
    return token.lower() in _ABBREVIATIONS


def _append(sentences: list[Sentence], text: str, begin: int, end: int, offset: int) -> None:
    chunk = text[begin:end]
    stripped = chunk.strip()
    if stripped:
        lead = len(chunk) - len(chunk.lstrip())
        sentences.append(Sentence(offset + begin + lead, stripped))
