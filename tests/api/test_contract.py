"""The README is the API's contract: every documented field and parameter exists, and
every field the API returns is documented."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"

# A valid value for each documented parameter; a parameter documented without one here
# fails the test, so the two stay in step.
SAMPLES = {
    "site": "palmyra",
    "kind": "temple",
    "state": "destroyed",
    "contested": "false",
    "min_confidence": "0.5",
    "updated_since": "2016-01-01",
    "as_of": "2016-03-28",
    "known_at": "2016-03-28",
    "q": "bel",
    "slug": "temple-of-bel,arch-of-triumph",
    "ordering": "-published_on",
    "format": "json",
    "page": "1",
    "page_size": "5",
    "outlet": "news24",
    "credit": "afp",
    "published_since": "2016-03-27",
    "published_until": "2016-03-29",
    "monument": "temple-of-bel",
    "source": "afp-2016-03-28-syria-troops-press-advance",
    "evidence": "official",
    "observed_since": "2015-01-01",
    "observed_until": "2016-03-29",
    "after": "afp-2016-03-28-syria-troops-press-advance/temple-of-bel-in-pieces",
    "before": "afp-2016-03-28-syria-troops-press-advance/temple-of-bel-in-pieces",
}
# Orderings differ per endpoint, and so do the references after / before take.
ORDERING = {"/api/monuments/": "-confidence", "/api/reports/": "observed_from"}
KEYSET = {
    "/api/monuments/": "temple-of-bel",
    "/api/sources/": "afp-2016-03-28-syria-troops-press-advance",
}


def sections() -> dict[str, list[tuple[str, list[str]]]]:
    """API sections of the README: heading -> [(table kind, names in its first column)]."""
    text = README.read_text()
    api = text[text.index("## API\n") : text.index("\n## ", text.index("## API\n") + 5)]
    result = {}
    for block in re.split(r"\n### ", api)[1:]:
        heading, _, body = block.partition("\n")
        tables = []
        for table in re.findall(r"((?:^\|.*\n)+)", body, flags=re.M):
            lines = table.strip().splitlines()
            kind = lines[0].split("|")[1].strip()
            names = []
            for line in lines[2:]:
                first = line.split("|")[1]
                names += re.findall(r"`([a-z_]+)`", first)
            tables.append((kind, names))
        result[heading] = tables
    return result


def tables(heading_start: str, kind: str) -> list[list[str]]:
    for heading, found in sections().items():
        if heading.startswith(heading_start):
            return [names for k, names in found if k == kind]
    raise AssertionError(f"README has no API section {heading_start}")


def test_the_readme_documents_every_endpoint():
    headings = list(sections())
    for endpoint in [
        "/api/monuments/`",
        "/api/monuments/<slug>/`",
        "/api/monuments/<slug>/timeline/`",
        "/api/sources/`",
        "/api/reports/`",
        "/api/sites/`",
    ]:
        assert any(endpoint in h for h in headings), endpoint


@pytest.mark.parametrize(
    ("heading", "url"),
    [
        ("`GET /api/monuments/`", "/api/monuments/"),
        ("`GET /api/sources/`", "/api/sources/"),
        ("`GET /api/reports/`", "/api/reports/"),
        ("`GET /api/sites/`", "/api/sites/"),
    ],
)
def test_every_documented_parameter_is_accepted_and_filters(seeded, api, heading, url):
    (parameters,) = tables(heading, "parameter")
    assert parameters
    for name in parameters:
        assert name in SAMPLES, f"no sample value for documented parameter {name}"
        value = SAMPLES[name]
        if name == "ordering":
            value = ORDERING.get(url, value)
        elif name in ("after", "before"):
            value = KEYSET.get(url, value)
        response = api.get(url, {name: value})
        assert response.status_code == 200, (name, response.content)
    # And nothing undocumented is accepted.
    undocumented = api.get(url, {"not_documented": "1"})
    assert undocumented.status_code == 400


def item(api, url: str) -> dict:
    response = api.get(url)
    assert response.status_code == 200
    body = response.json()
    return body["results"][0] if "results" in body else body


def test_monument_fields_match_the_readme(seeded, api):
    fields, consensus = tables("`GET /api/monuments/`", "field")
    listed = item(api, "/api/monuments/?q=bel")
    assert set(listed) == set(fields)
    assert set(listed["consensus"]) == set(consensus)
    extra, extra_consensus = tables("`GET /api/monuments/<slug>/`", "field")
    detail = item(api, "/api/monuments/temple-of-bel/")
    assert set(detail) == set(fields) | set(extra)
    assert set(detail["consensus"]) == set(consensus) | set(extra_consensus)
    (timeline,) = tables("`GET /api/monuments/<slug>/timeline/`", "field")
    assert set(item(api, "/api/monuments/temple-of-bel/timeline/")) == set(timeline)


def test_claim_fields_match_the_readme(seeded, api):
    (fields,) = tables("`GET /api/reports/`", "field")
    assert set(item(api, "/api/reports/")) == set(fields)
    supporting = item(api, "/api/monuments/temple-of-bel/")["consensus"]["supporting"][0]
    assert set(supporting) == set(fields) | {"weight", "origin", "role", "reasons"}


def test_source_and_site_fields_match_the_readme(seeded, api):
    fields, extra = tables("`GET /api/sources/`", "field")
    assert set(item(api, "/api/sources/")) == set(fields)
    detail = item(api, "/api/sources/afp-2016-03-28-syria-troops-press-advance/")
    assert set(detail) == set(fields) | set(extra)
    (site_fields,) = tables("`GET /api/sites/`", "field")
    assert set(item(api, "/api/sites/")) == set(site_fields)
    assert set(item(api, "/api/sites/palmyra/")) == set(site_fields)


def test_csv_columns_match_the_readme(seeded, api):
    text = README.read_text()
    paragraph = text[text.index("CSV has one row per monument") :].split("\n\n")[0]
    documented = re.findall(r"`([a-z_]+)`", paragraph.split("(UTF-8")[0])
    body = b"".join(api.get("/api/monuments/?format=csv").streaming_content).decode("utf-8-sig")
    assert body.splitlines()[0].split(",") == documented


def test_the_schema_describes_the_same_fields(seeded, api):
    schema = api.get("/api/schema/?format=json").json()["components"]["schemas"]
    fields, consensus = tables("`GET /api/monuments/`", "field")
    assert set(schema["Monument"]["properties"]) == set(fields)
    assert set(schema["Consensus"]["properties"]) == set(consensus)
    (claim_fields,) = tables("`GET /api/reports/`", "field")
    assert set(schema["Claim"]["properties"]) == set(claim_fields)
