from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from hub import api

api_v1 = [
    path("auth/token/", api.TokenCreateApi.as_view(), name="token-create"),
    path("me/tokens/", api.TokenListApi.as_view(), name="token-list"),
    path("me/tokens/<int:token_id>/", api.TokenRevokeApi.as_view(), name="token-detail"),
    path("me/", api.MeApi.as_view(), name="me"),
    path("notifications/", api.NotificationListApi.as_view(), name="notification-list"),
    path(
        "notifications/<int:notification_id>/read/",
        api.NotificationReadApi.as_view(),
        name="notification-read",
    ),
    path("me/preferences/", api.MePreferencesApi.as_view(), name="me-preferences"),
    path("audit/", api.AuditEntryListApi.as_view(), name="audit-list"),
    path("audit/export.csv", api.AuditEntryExportApi.as_view(), name="audit-export"),
    path("me/data/", api.MeDataApi.as_view(), name="me-data"),
    path("me/delete/", api.MeDeleteApi.as_view(), name="me-delete"),
    path("me/consents/", api.ConsentListCreateApi.as_view(), name="me-consents"),
    path(
        "privacy/incidents/export.csv",
        api.ConfidentialityIncidentExportApi.as_view(),
        name="confidentiality-incident-export",
    ),
    path("", include("marketplace.urls")),
    path("", include("matching.urls")),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file and our template drops the inline style, so the
    # documentation runs under the site's strict Content-Security-Policy (hub/security.py) unchanged.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="hub/swagger_ui.html"),
        name="api-docs",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    # Browsers ask for /favicon.ico whatever the page says; the page's <link rel="icon"> names the same file.
    # Not permanent, and looked up at each request: the file's static address changes with its content
    # (WhiteNoise's manifest), which may not exist yet when the URLs are imported.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("frontend/favicon.svg")), name="favicon"),
    path("admin/", admin.site.urls),
]
urlpatterns += i18n_patterns(path("", include("frontend.urls")))
