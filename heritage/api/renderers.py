"""Formats a researcher can ask for with Accept or ?format=.

The lists stream CSV, JSON Lines and GeoJSON themselves (heritage.api.formats); the
detail streams nothing. These classes make the formats known to content negotiation
and the schema; their ``render`` is reached only for error bodies, which stay JSON.
"""

from rest_framework.renderers import BaseRenderer, JSONRenderer


class _ErrorsAsJSON(BaseRenderer):
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return JSONRenderer().render(data)


class CSVRenderer(_ErrorsAsJSON):
    media_type = "text/csv"
    format = "csv"


class JSONLinesRenderer(_ErrorsAsJSON):
    media_type = "application/jsonl"
    format = "jsonl"


class GeoJSONRenderer(_ErrorsAsJSON):
    media_type = "application/geo+json"
    format = "geojson"
    charset = None


class JSONLDRenderer(JSONRenderer):
    """A monument as linked data (schema.org and the registry's vocabulary)."""

    media_type = "application/ld+json"
    format = "jsonld"
