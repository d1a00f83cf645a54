from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from heritage.api.views import (
    DatasetDownloadView,
    DatasetListView,
    MonumentViewSet,
    ReportViewSet,
    SiteViewSet,
    SourceViewSet,
    VocabularyView,
)

router = SimpleRouter(trailing_slash=True)
router.register("monuments", MonumentViewSet, basename="monument")
router.register("sources", SourceViewSet, basename="source")
router.register("reports", ReportViewSet, basename="report")
router.register("sites", SiteViewSet, basename="site")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The docs' script is served separately: no inline code under the site's CSP.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
    path("vocabulary/", VocabularyView.as_view(), name="vocabulary"),
    path("datasets/", DatasetListView.as_view(), name="datasets"),
    path(
        "datasets/<str:version>/",
        DatasetDownloadView.as_view(),
        name="dataset-download",
    ),
    *router.urls,
]
