from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.api.views import TokenObtainView, token_revoke

urlpatterns = [
    path("auth/token/", TokenObtainView.as_view(), name="api-token"),
    path("auth/token/revoke/", token_revoke, name="api-token-revoke"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI writes <style> elements as it draws: on this page alone styles may be inline
    # (scripts stay 'self' only; its start-up script is served as a file by the split view).
    path(
        "docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
    path("", include("villages.api.urls")),
    path("", include("notifications.api.urls")),
    path("", include("branches.api.urls")),
    path("", include("catalogues.api.urls")),
    path("", include("scoring.api.urls")),
    path("", include("tallies.api.urls")),
]
