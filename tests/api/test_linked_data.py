"""A monument's detail as JSON-LD, read by a JSON-LD processor (rdflib)."""

from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef

from heritage.api import linked_data
from heritage.models import ConsensusState, EvidenceKind

SDO = Namespace("https://schema.org/")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
BASE = "http://testserver/api/"
HDR = Namespace(BASE + "vocabulary/#")


def graph(text: str) -> Graph:
    return Graph().parse(data=text, format="json-ld")


def test_monument_detail_as_json_ld_parses_into_schema_org_and_registry_terms(seeded, api):
    response = api.get("/api/monuments/temple-of-bel/?format=jsonld")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    g = graph(response.content.decode())
    bel = URIRef(BASE + "monuments/temple-of-bel/")
    assert (bel, RDF.type, SDO.LandmarksOrHistoricalBuildings) in g
    assert (bel, SDO.sameAs, URIRef("http://www.wikidata.org/entity/Q797481")) in g
    assert (bel, SDO.name, Literal("Temple of Bel", lang="en")) in g
    assert (bel, SDO.alternateName, Literal("معبد بل", lang="ar")) in g
    geo = g.value(bel, SDO.geo)
    assert float(g.value(geo, SDO.latitude)) == 34.5472
    assert float(g.value(geo, SDO.longitude)) == 38.2747
    site = g.value(bel, SDO.containedInPlace)
    assert (site, RDF.type, SDO.Place) in g
    status = g.value(bel, HDR.consensus)
    assert g.value(status, HDR.state) == HDR["state-destroyed"]
    assert g.value(status, HDR.confidence).datatype == XSD.double
    assert g.value(status, HDR.asOf).datatype == XSD.date
    supporting = set(g.objects(status, HDR.supportedBy))
    claims = set(g.objects(bel, HDR.hasClaim))
    assert supporting and supporting <= claims
    claim = next(iter(supporting))
    assert (claim, RDF.type, SDO.Claim) in g
    assert g.value(claim, HDR.claimedState) == HDR["state-destroyed"]
    assert g.value(claim, SDO.text)
    assert (g.value(claim, SDO.isBasedOn), RDF.type, SDO.CreativeWork) in g
    # Content negotiation gives the same document.
    same = api.get("/api/monuments/temple-of-bel/", HTTP_ACCEPT="application/ld+json")
    assert same.content == response.content


def test_every_term_used_is_defined_in_the_vocabulary(seeded, api):
    vocabulary = graph(api.get("/api/vocabulary/").content.decode())
    defined = set(vocabulary.subjects(RDFS.comment, None))
    document = graph(api.get("/api/monuments/temple-of-bel/?format=jsonld").content.decode())
    used = {t for triple in document for t in triple if str(t).startswith(str(HDR))}
    assert used
    assert used <= defined, used - defined
    states = {str(s).removeprefix(str(HDR) + "state-") for s in defined if "state-" in str(s)}
    assert states == set(ConsensusState.values)
    kinds = {str(s).removeprefix(str(HDR) + "evidence-") for s in defined if "evidence-" in str(s)}
    assert kinds == set(EvidenceKind.values)


def test_same_as_links_each_recorded_identifier():
    links = linked_data.same_as({"wikidata": "Q2", "geonames": "3", "pleiades": "4"})
    assert links == [
        "http://www.wikidata.org/entity/Q2",
        "https://sws.geonames.org/3/",
        "https://pleiades.stoa.org/places/4",
    ]
    assert linked_data.same_as({"wikidata": "", "geonames": "", "pleiades": ""}) == []
