"""How to cite a monument's record: plain text, BibTeX and CSL-JSON.

A citation pins the date the status describes (the permalink's ``as_of``) and the date
it was retrieved, so that a reader can see exactly what the citing author saw.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass

_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "^": r"\^{}",
    "~": r"\~{}",
}


def bibtex_escape(text: str) -> str:
    return "".join(_BIBTEX_SPECIAL.get(ch, ch) for ch in text)


@dataclass(frozen=True)
class Citation:
    permalink: str
    text: str
    bibtex: str
    csl_json: str


def cite(
    *,
    publisher: str,
    title: str,
    slug: str,
    permalink: str,
    as_of: datetime.date,
    retrieved: datetime.date,
    language: str = "en",
) -> Citation:
    """The citation of the record of monument *slug* as of *as_of*.

    *permalink* must already pin the date (``?as_of=YYYY-MM-DD``).
    """
    text = (
        f"{publisher}. “{title}”, status as of {as_of.isoformat()}. {permalink} "
        f"(retrieved {retrieved.isoformat()})."
    )
    key = f"heritage-registry:{slug}:{as_of.isoformat()}"
    bibtex = "\n".join(
        [
            f"@misc{{{key},",
            f"  title = {{{bibtex_escape(title)}: status as of {as_of.isoformat()}}},",
            f"  author = {{{{{bibtex_escape(publisher)}}}}},",
            f"  publisher = {{{bibtex_escape(publisher)}}},",
            f"  year = {{{as_of.year}}},",
            f"  url = {{{permalink}}},",
            f"  urldate = {{{retrieved.isoformat()}}},",
            f"  note = {{Status as of {as_of.isoformat()}; retrieved {retrieved.isoformat()}}}",
            "}",
        ]
    )
    csl = {
        "id": key,
        "type": "dataset",
        "title": f"{title}: status as of {as_of.isoformat()}",
        "author": [{"literal": publisher}],
        "publisher": publisher,
        "issued": {"date-parts": [[as_of.year, as_of.month, as_of.day]]},
        "accessed": {"date-parts": [[retrieved.year, retrieved.month, retrieved.day]]},
        "URL": permalink,
        "language": language,
    }
    return Citation(
        permalink=permalink,
        text=text,
        bibtex=bibtex,
        csl_json=json.dumps([csl], ensure_ascii=False, indent=2),
    )
