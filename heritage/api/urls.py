from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from heritage.api.views import MonumentViewSet, ReportViewSet, SiteViewSet, SourceViewSet

router = SimpleRouter(trailing_slash=True)
router.register("monuments", MonumentViewSet, basename="monument")
router.register("sources", SourceViewSet, basename="source")
router.register("reports", ReportViewSet, basename="report")
router.register("sites", SiteViewSet, basename="site")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The docs' script is served separately: no inline code under the site's CSP.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
    *router.urls,
]
