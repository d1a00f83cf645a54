"""Names in an article that read as a monument's but that the registry does not hold.

Drafting claims only monuments of the gazetteer. An article about a church the registry
does not know, or knows under another spelling or word order ("Bato Ali Dansalan
Mosque" for "Dansalan Bato Ali Mosque"), drafts nothing for it. Such names are told to
the curator, who may add the monument or an alias and draft again. A name here is a
run of capitalised words closed by a capitalised word for a building ("Saint John
Church", "Naejang Temple"), or such a word followed by "of" and a name ("Church of the
Immaculate Conception"), that no reference to a registered monument covers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from heritage.drafting.places import Mention

_BUILDINGS = (
    "Mosque|Masjid|Church|Chapel|Cathedral|Basilica|Temple|Shrine|Synagogue|Monastery|"
    "Convent|Abbey|Museum|Library|Archives?|Palace|Castle|Fort|Fortress|Citadel|Gate|"
    "Tower|Minaret|Bridge|Theatre|Theater|Tomb|Mausoleum|Stupa|Pagoda|Madrasa|Mandir|"
    "Gurdwara|Stele|Obelisk|Cemetery"
)
_WORD = r"(?:St\.|[A-Z][\w'’-]*)"
_NAME = re.compile(
    rf"(?<![\w'’-])(?:{_WORD}\s+){{0,5}}(?:{_BUILDINGS})\b"
    rf"(?:\s+of\s+(?:the\s+)?{_WORD}(?:\s+(?:of\s+|the\s+|and\s+)?{_WORD}){{0,4}})?"
)
# Capitalised words that open a sentence or stand before a name without being part of it.
_NOT_NAME_WORDS = {
    "the",
    "a",
    "an",
    "this",
    "that",
    "its",
    "their",
    "his",
    "her",
    "our",
    "in",
    "on",
    "at",
    "and",
    "but",
    "when",
    "after",
    "while",
    "as",
    "of",
    "for",
    "to",
    "from",
    "by",
}
# A church's denomination or nation names the institution, not a building ("the Catholic
# Church", "the Armenian Apostolic Church").
_DENOMINATIONS = {
    "catholic",
    "orthodox",
    "apostolic",
    "armenian",
    "serbian",
    "greek",
    "russian",
    "anglican",
    "protestant",
    "evangelical",
    "coptic",
    "syriac",
    "chaldean",
    "maronite",
    "lutheran",
    "methodist",
    "baptist",
    "presbyterian",
    "roman",
    "ukrainian",
    "georgian",
}
LIMIT = 8


def unregistered_names(sentences: Iterable[tuple[str, list[Mention]]]) -> list[str]:
    """The names of buildings in the *sentences* (each with the references to
    registered monuments found in it) that no reference covers, each once, in order,
    at most LIMIT."""
    found: list[str] = []
    seen: set[str] = set()
    for text, mentions in sentences:
        taken = [(m.start, m.end) for m in mentions]
        for match in _NAME.finditer(text):
            if any(start < match.end() and match.start() < end for start, end in taken):
                continue
            words = match.group().split()
            while words and words[0].lower() in _NOT_NAME_WORDS:
                words.pop(0)
            if len(words) < 2:
                continue  # "The Mosque": a building's kind, not its name
            if all(w.lower() in _DENOMINATIONS for w in words[:-1]):
                continue  # "the Catholic Church": a church as an institution
            name = " ".join(words)
            if name.lower() not in seen:
                seen.add(name.lower())
                found.append(name)
    return found[:LIMIT]
