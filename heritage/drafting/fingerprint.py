"""A compact fingerprint of an article's text, to recognise a later copy without keeping
the text.

The text is normalised (``heritage.text.normalise``) and cut into overlapping runs of
``SHINGLE_WORDS`` words. Each run is hashed (BLAKE2b, 32 bits) and only the hashes
divisible by ``SAMPLE`` are kept: the choice depends on the hash alone, so two texts
that share a passage keep the same hashes from it, whatever surrounds it (the
value-based sampling of Broder's "resemblance and containment of documents", 1997).
A passage of about ``SHINGLE_WORDS + 3 * SAMPLE`` words shared verbatim is very likely
to leave a common hash; the words cannot be recovered from the hashes.

The fingerprint is stored on the source as hexadecimal text (8 characters per kept
hash: about 1 KB for a 1,000-word article).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from heritage.text import normalise

SHINGLE_WORDS = 5
SAMPLE = 4
MIN_SHARED = 3  # kept hashes in common before a copy is flagged
MAX_HASHES = 2500  # the smallest ones, for a very long text (Source.fingerprint's limit)
_HEX = re.compile(r"(?:[0-9a-f]{8})*")


def fingerprint(text: str) -> str:
    """The sampled shingle hashes of *text*, sorted, as hexadecimal text."""
    words = normalise(text).split()
    kept = set()
    for i in range(max(0, len(words) - SHINGLE_WORDS + 1)):
        shingle = " ".join(words[i : i + SHINGLE_WORDS]).encode()
        value = int.from_bytes(hashlib.blake2b(shingle, digest_size=4).digest(), "big")
        if value % SAMPLE == 0:
            kept.add(value)
    return "".join(f"{value:08x}" for value in sorted(kept)[:MAX_HASHES])


def hashes(stored: str) -> frozenset[int]:
    """The hashes of a stored fingerprint (empty for an empty or malformed one)."""
    if not stored or not _HEX.fullmatch(stored):
        return frozenset()
    return frozenset(int(stored[i : i + 8], 16) for i in range(0, len(stored), 8))


@dataclass(frozen=True)
class SharedText:
    """What a new text shares with a registered source's fingerprint."""

    key: str
    shared: int  # kept hashes in common
    share: float  # of the new text's kept hashes


def shared_text(new: str, key: str, registered: str) -> SharedText | None:
    """The share of *new* (a fingerprint) found in *registered*, when it is a copy."""
    mine, theirs = hashes(new), hashes(registered)
    if not mine:
        return None
    common = len(mine & theirs)
    if common < MIN_SHARED:
        return None
    return SharedText(key, common, common / len(mine))
