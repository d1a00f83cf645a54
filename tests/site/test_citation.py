import datetime
import json

from heritage.site.citation import bibtex_escape, cite


def test_a_citation_pins_the_date_and_the_retrieval():
    citation = cite(
        publisher="Heritage-damage registry",
        title="Temple of Bel",
        slug="temple-of-bel",
        permalink="https://example.org/monuments/temple-of-bel/?as_of=2016-04-01",
        as_of=datetime.date(2016, 4, 1),
        retrieved=datetime.date(2026, 11, 29),
    )
    assert citation.text == (
        "Heritage-damage registry. “Temple of Bel”, status as of 2016-04-01. "
        "https://example.org/monuments/temple-of-bel/?as_of=2016-04-01 (retrieved 2026-11-29)."
    )
    assert citation.bibtex.startswith("@misc{heritage-registry:temple-of-bel:2016-04-01,\n")
    assert "  urldate = {2026-11-29},\n" in citation.bibtex
    assert "  author = {{Heritage-damage registry}},\n" in citation.bibtex
    [csl] = json.loads(citation.csl_json)
    assert csl["URL"].endswith("?as_of=2016-04-01")
    assert csl["issued"] == {"date-parts": [[2016, 4, 1]]}
    assert csl["accessed"] == {"date-parts": [[2026, 11, 29]]}


def test_bibtex_special_characters_are_escaped():
    assert bibtex_escape("Al-Lat {lion} & 50% of #1_a") == r"Al-Lat \{lion\} \& 50\% of \#1\_a"
    citation = cite(
        publisher="R",
        title="A}B",
        slug="a-b",
        permalink="https://x/",
        as_of=datetime.date(2020, 1, 1),
        retrieved=datetime.date(2020, 1, 2),
    )
    assert r"title = {A\}B: status as of 2020-01-01}" in citation.bibtex
