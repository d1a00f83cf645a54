from rest_framework.routers import DefaultRouter

from heritage.api.views import MonumentViewSet

router = DefaultRouter(trailing_slash=True)
router.register("monuments", MonumentViewSet, basename="monument")

urlpatterns = router.urls
