"""Formats a researcher can ask for with Accept or ?format=.

The monument list streams CSV and GeoJSON itself (views.stream_csv / stream_geojson);
these classes make the formats known to content negotiation and the schema.
"""

from rest_framework.renderers import BaseRenderer, JSONRenderer


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        # Only reached for error bodies, which stay JSON (see RegistryViewSet).
        return JSONRenderer().render(data)


class GeoJSONRenderer(BaseRenderer):
    media_type = "application/geo+json"
    format = "geojson"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return JSONRenderer().render(data)
