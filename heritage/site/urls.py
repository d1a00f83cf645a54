"""The public site's URLs, mounted under the language prefix (none for English)."""

from django.urls import path

from heritage.site import views
from heritage.site.caching import revision_cached
from heritage.site.feeds import ChangesFeed

app_name = "site"

urlpatterns = [
    path("", views.home, name="home"),
    path("map/points.geojson", views.map_points, name="map-points"),
    path("monuments/", views.monument_list, name="monuments"),
    path("monuments/<slug:slug>/", views.monument_detail, name="monument"),
    path("sources/<slug:key>/", views.source_detail, name="source"),
    path("changes/", views.changes, name="changes"),
    path("changes/feed/", revision_cached(ChangesFeed()), name="changes-feed"),
]
