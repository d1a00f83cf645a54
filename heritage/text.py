"""Text normalisation for search: case, accents, Arabic diacritics and letter variants.

``normalise("Ma'loula")``, ``normalise("MAʿLOULA")`` and ``normalise("maaloula")``
do not all agree (transliterations differ in letters, not only marks), but every
spelling stored as an alias is found whatever its case, accents, Arabic short
vowels, tatweel or alef/yeh/teh-marbuta variants.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Arabic short vowels, shadda, sukun, superscript alef and Quranic marks.
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_TATWEEL = "\u0640"
_ARABIC_LETTERS = str.maketrans(
    {
        "\u0622": "\u0627",  # alef with madda -> alef
        "\u0623": "\u0627",  # alef with hamza above -> alef
        "\u0625": "\u0627",  # alef with hamza below -> alef
        "\u0671": "\u0627",  # alef wasla -> alef
        "\u0649": "\u064a",  # alef maksura -> yeh
        "\u0629": "\u0647",  # teh marbuta -> heh
        "\u0624": "\u0648",  # waw with hamza -> waw
        "\u0626": "\u064a",  # yeh with hamza -> yeh
        "\u06cc": "\u064a",  # Farsi yeh -> yeh
        "\u06a9": "\u0643",  # keheh -> kaf
    }
)
_NOT_WORD = re.compile(r"[^\w]+")
SEPARATOR = "|"


def normalise(text: str) -> str:
    """Lower-case words without accents or Arabic marks, separated by single spaces."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _ARABIC_MARKS.sub("", text).replace(_TATWEEL, "").translate(_ARABIC_LETTERS)
    text = unicodedata.normalize("NFC", text)
    return _NOT_WORD.sub(" ", text).replace("_", " ").strip()


def search_text(names: list[str]) -> str:
    """Every name normalised, with and without spaces, joined by SEPARATOR.

    Stored on the monument so that a query is a single indexed-column scan; the
    spaceless forms let "baal shamin" find "Baalshamin" and the reverse.
    """
    forms: dict[str, None] = {}
    for name in names:
        words = normalise(name)
        if words:
            forms[words] = None
            forms[words.replace(" ", "")] = None
    return SEPARATOR + SEPARATOR.join(forms) + SEPARATOR if forms else ""


def matched_key(table: dict, matched: str):
    """The entry of *table* (keyed in lower case) for text a case-insensitive pattern
    built from its keys matched. Such a pattern also pairs letters that ``lower()``
    does not (the dotless ı of "Diyarbakır" with i, the long ſ with s), so the lower
    case of the text is not always a key."""
    key = matched.lower()
    if key in table:
        return table[key]
    for candidate, value in table.items():
        if re.fullmatch(re.escape(candidate), matched, re.IGNORECASE):
            return value
    raise KeyError(matched)


_ASCII_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def ascii_fold(matched: str) -> str:
    """Text a case-insensitive pattern of ASCII words matched, in those words' letters:
    lower case, and each other letter such a pattern pairs with an ASCII one (the
    dotless ı with i, the long ſ with s, the Kelvin sign with k) as that letter."""
    return "".join(_fold_letter(c) for c in matched.lower())


@functools.cache
def _fold_letter(letter: str) -> str:
    if letter.isascii():
        return letter
    for ascii_letter in _ASCII_LETTERS:
        if re.fullmatch(re.escape(letter), ascii_letter, re.IGNORECASE):
            return ascii_letter
    return letter
