"""A monument as linked data (JSON-LD), and the registry's vocabulary.

Places are described with schema.org (``LandmarksOrHistoricalBuildings``, ``Place``,
``GeoCoordinates``, ``sameAs`` to Wikidata, GeoNames and Pleiades); what schema.org has
no terms for (a consensus status, a damage claim's state and evidence) uses the
registry's own vocabulary, published at ``/api/vocabulary/`` with a label and a
definition for every term. The context is inline, so a JSON-LD processor needs no
network to read a document.
"""

from __future__ import annotations

SCHEMA = "https://schema.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
WIKIDATA = "http://www.wikidata.org/entity/"
GEONAMES = "https://sws.geonames.org/"
PLEIADES = "https://pleiades.stoa.org/places/"

# The registry's terms: (name, kind, label, definition). Kind: Class, Property, or the
# class whose member the term is (a state, a kind of evidence).
STATE_DEFINITIONS = {
    "intact": "No damage reported or visible.",
    "damaged": "Damaged, extent limited or unstated.",
    "severely_damaged": "Major parts lost, structure partly standing.",
    "destroyed": "No longer retains integrity.",
    "restored": "Repaired or rebuilt after damage (done, not planned).",
    "unknown": "No accepted evidence (a consensus value, never a claim).",
}
EVIDENCE_DEFINITIONS = {
    "eyewitness": "Someone the source names saw it.",
    "imagery": "Satellite or aerial imagery.",
    "official": "An official or a heritage authority said so.",
    "monitoring_group": "A monitoring group reported it.",
    "reported": "The outlet states it in its own voice, as its own reporting.",
    "unattributed": "The source does not say who saw or said it.",
}
TERMS: list[tuple[str, str, str, str]] = [
    (
        "ConsensusStatus",
        "Class",
        "consensus status",
        "The state of a monument that the registry's evidence supports on a date, with its "
        "confidence and the claims behind it.",
    ),
    (
        "DamageClaim",
        "Class",
        "damage claim",
        "One source's statement about one monument's state, with the verbatim excerpt that "
        "makes it; a curator accepted it.",
    ),
    (
        "DamageState",
        "Class",
        "damage state",
        "A state on the registry's scale (aligned with the UNOSAT classes and the EAMENA "
        "condition states).",
    ),
    ("EvidenceKind", "Class", "kind of evidence", "What a claim rests on."),
    ("consensus", "Property", "consensus", "The monument's published consensus status."),
    ("state", "Property", "state", "The state a consensus status gives (a DamageState)."),
    (
        "evidenceState",
        "Property",
        "evidence state",
        "What the evidence alone says; differs from state when a curator overrode it.",
    ),
    (
        "confidence",
        "Property",
        "confidence",
        "How strongly the evidence supports the state, from 0 to 1.",
    ),
    (
        "independentOrigins",
        "Property",
        "independent origins",
        "Independent origins behind the evidence: copies of one wire story count once.",
    ),
    (
        "contested",
        "Property",
        "contested",
        "Origins two or more steps apart on the scale carry a real share of the weight.",
    ),
    ("overridden", "Property", "overridden", "A curator set this status, with a reason."),
    ("asOf", "Property", "as of", "The date the status describes."),
    (
        "latestObservation",
        "Property",
        "latest observation",
        "End of the latest observation the status considers.",
    ),
    ("supportedBy", "Property", "supported by", "A claim that agrees with the state."),
    ("disputedBy", "Property", "disputed by", "A claim that disagrees with the state."),
    (
        "setAside",
        "Property",
        "set aside",
        "A claim superseded by later observations or discounted by a curator.",
    ),
    ("hasClaim", "Property", "has claim", "An accepted claim about the monument."),
    ("claimedState", "Property", "claimed state", "The state a claim reports."),
    ("evidence", "Property", "evidence", "The kind of evidence a claim rests on."),
    (
        "attributedTo",
        "Property",
        "attributed to",
        "Who the source says saw or said it, in the source's words.",
    ),
    (
        "observedFrom",
        "Property",
        "observed from",
        "Start of the observation or event the claim reports.",
    ),
    (
        "observedTo",
        "Property",
        "observed to",
        "End of the observation or event the claim reports.",
    ),
    ("weight", "Property", "weight", "The claim's weight in the consensus."),
    *(
        (f"state-{code}", "DamageState", code.replace("_", " "), text)
        for code, text in STATE_DEFINITIONS.items()
    ),
    *(
        (f"evidence-{code}", "EvidenceKind", code.replace("_", " "), text)
        for code, text in EVIDENCE_DEFINITIONS.items()
    ),
]


def context(vocabulary: str) -> dict:
    hdr = vocabulary + "#"
    return {
        "@vocab": SCHEMA,
        "hdr": hdr,
        "xsd": XSD,
        "consensus": {"@id": "hdr:consensus"},
        "state": {"@id": "hdr:state", "@type": "@id"},
        "evidenceState": {"@id": "hdr:evidenceState", "@type": "@id"},
        "confidence": {"@id": "hdr:confidence", "@type": "xsd:double"},
        "independentOrigins": {"@id": "hdr:independentOrigins", "@type": "xsd:integer"},
        "contested": {"@id": "hdr:contested", "@type": "xsd:boolean"},
        "overridden": {"@id": "hdr:overridden", "@type": "xsd:boolean"},
        "asOf": {"@id": "hdr:asOf", "@type": "xsd:date"},
        "latestObservation": {"@id": "hdr:latestObservation", "@type": "xsd:date"},
        "supportedBy": {"@id": "hdr:supportedBy", "@type": "@id"},
        "disputedBy": {"@id": "hdr:disputedBy", "@type": "@id"},
        "setAside": {"@id": "hdr:setAside", "@type": "@id"},
        "hasClaim": {"@id": "hdr:hasClaim"},
        "claimedState": {"@id": "hdr:claimedState", "@type": "@id"},
        "evidence": {"@id": "hdr:evidence", "@type": "@id"},
        "attributedTo": {"@id": "hdr:attributedTo"},
        "observedFrom": {"@id": "hdr:observedFrom", "@type": "xsd:date"},
        "observedTo": {"@id": "hdr:observedTo", "@type": "xsd:date"},
        "weight": {"@id": "hdr:weight", "@type": "xsd:double"},
        "sameAs": {"@id": "sameAs", "@type": "@id"},
        "url": {"@id": "url", "@type": "@id"},
        "dateModified": {"@id": "dateModified", "@type": "xsd:dateTime"},
        "datePublished": {"@id": "datePublished", "@type": "xsd:date"},
    }


def same_as(record: dict) -> list[str]:
    links = []
    if record.get("wikidata"):
        links.append(WIKIDATA + record["wikidata"])
    if record.get("geonames"):
        links.append(f"{GEONAMES}{record['geonames']}/")
    if record.get("pleiades"):
        links.append(PLEIADES + record["pleiades"])
    return links


def claim_id(claim: dict, sources_url: str) -> str:
    return f"{sources_url}{claim['source']}/#{claim['key']}"


def _claim(claim: dict, monument_id: str, sources_url: str) -> dict:
    node = {
        "@id": claim_id(claim, sources_url),
        "@type": ["Claim", "hdr:DamageClaim"],
        "about": {"@id": monument_id},
        "claimedState": f"hdr:state-{claim['state']}",
        "text": claim["excerpt"],
        "evidence": f"hdr:evidence-{claim['evidence']}",
        "isBasedOn": {
            "@id": f"{sources_url}{claim['source']}/",
            "@type": "CreativeWork",
            "headline": claim["source_title"],
            "datePublished": claim["source_published_on"],
        },
    }
    if claim["attributed_to"]:
        node["attributedTo"] = claim["attributed_to"]
    for name, term in (("observed_from", "observedFrom"), ("observed_to", "observedTo")):
        if claim[name]:
            node[term] = claim[name]
    if claim["source_url"]:
        node["isBasedOn"]["url"] = claim["source_url"]
    if claim["source_outlet"]:
        node["isBasedOn"]["publisher"] = {
            "@type": "Organization",
            "identifier": claim["source_outlet"],
        }
    return node


def monument(item: dict, site: dict, *, vocabulary: str) -> dict:
    """The JSON-LD document of a monument's detail (*item* as the JSON detail; *site*:
    its site's ``name``, ``wikidata``, ``geonames`` and ``pleiades``)."""
    monument_id = item["url"]
    sources_url = monument_id.split("/api/")[0] + "/api/sources/"
    sites_url = monument_id.split("/api/")[0] + "/api/sites/"
    c = item["consensus"]
    doc = {
        "@context": context(vocabulary),
        "@id": monument_id,
        "@type": "LandmarksOrHistoricalBuildings",
        "identifier": item["slug"],
        "name": {"@value": item["name"], "@language": "en"},
        "alternateName": [
            {"@value": a["name"], "@language": a["language"]} for a in item["aliases"]
        ],
        "url": monument_id,
        "dateModified": item["updated_at"],
        "containedInPlace": {
            "@id": f"{sites_url}{item['site']}/",
            "@type": "Place",
            "identifier": item["site"],
            "name": site["name"],
            "sameAs": same_as(site),
        },
        "sameAs": same_as(item),
        "consensus": {
            "@type": "hdr:ConsensusStatus",
            "state": f"hdr:state-{c['state']}",
            "evidenceState": f"hdr:state-{c['evidence_state']}",
            "confidence": c["confidence"],
            "independentOrigins": c["independent_origins"],
            "contested": c["contested"],
            "overridden": c["overridden"],
            "asOf": c["as_of"],
            "supportedBy": [claim_id(x, sources_url) for x in c["supporting"]],
            "disputedBy": [claim_id(x, sources_url) for x in c["disputing"]],
            "setAside": [claim_id(x, sources_url) for x in c["set_aside"]],
        },
        "hasClaim": [_claim(x, monument_id, sources_url) for x in item["claims"]],
    }
    if c["latest_observation"]:
        doc["consensus"]["latestObservation"] = c["latest_observation"]
    if item["description"]:
        doc["description"] = item["description"]
    if item["latitude"] is not None:
        doc["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": item["latitude"],
            "longitude": item["longitude"],
        }
    if item["part_of"]:
        doc["isPartOf"] = {"@id": f"{monument_id.rsplit('/', 2)[0]}/{item['part_of']}/"}
    return doc


def vocabulary_document(vocabulary: str) -> dict:
    """The registry's vocabulary as RDFS, in JSON-LD."""
    hdr = vocabulary + "#"
    graph: list[dict] = [
        {
            "@id": vocabulary,
            "@type": "owl:Ontology",
            "rdfs:label": {"@value": "Heritage-damage registry vocabulary", "@language": "en"},
        }
    ]
    for name, kind, label, definition in TERMS:
        if kind == "Class":
            rdf_type = "rdfs:Class"
        elif kind == "Property":
            rdf_type = "rdf:Property"
        else:
            rdf_type = f"hdr:{kind}"
        graph.append(
            {
                "@id": f"hdr:{name}",
                "@type": rdf_type,
                "rdfs:label": {"@value": label, "@language": "en"},
                "rdfs:comment": {"@value": definition, "@language": "en"},
                "rdfs:isDefinedBy": {"@id": vocabulary},
            }
        )
    return {
        "@context": {
            "hdr": hdr,
            "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
            "owl": "http://www.w3.org/2002/07/owl#",
        },
        "@graph": graph,
    }
