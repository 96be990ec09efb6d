from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from accounts.forms import LoginForm
from accounts.views import (
    LogoutView,
    PasswordResetView,
    activate,
    activation_inactive,
    activation_issue_chosen,
    activation_page,
    activation_reset,
)
from config import pwa
from config.health import favicon, healthz

admin.site.site_header = "五星支部创建管理平台"
admin.site.site_title = "五星支部"
admin.site.index_title = "管理后台"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages without an icon link (the admin's).
    path("favicon.ico", favicon, name="favicon"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service-worker"),
    path("api/v1/", include("config.api_urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("activate/", activate, name="activate"),
    path("accounts/activation/", activation_page, name="activation"),
    path("accounts/activation/inactive/", activation_inactive, name="activation-inactive"),
    path("accounts/activation/issue/", activation_issue_chosen, name="activation-issue"),
    path("accounts/activation/reset/", activation_reset, name="activation-reset"),
    path(
        "password/reset/",
        PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("", include("villages.urls")),
    path("", include("audit.urls")),
    path("", include("notifications.urls")),
    path("", include("branches.urls")),
    path("", include("scoring.urls")),
    path("", include("tallies.urls")),
]
# MEDIA_ROOT is never served as a folder: evidence goes out through views that check scope.

handler404 = "config.errors.not_found"
handler500 = "config.errors.server_error"
