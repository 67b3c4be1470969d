from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from servicelead import health
from servicelead import views as project_views


def oidc_urlpatterns():
    """Sign-in with OpenID Connect (competencies.oidc), only when configured: its start (which checks the
    provider first) and mozilla-django-oidc's flow. Signing out (``project_views.logout``) ends the
    provider's session too."""
    from mozilla_django_oidc.views import OIDCAuthenticationRequestView, OIDCLogoutView

    from competencies import oidc

    return [
        path("oidc/start/", oidc.start, name="oidc_start"),
        # mozilla_django_oidc.urls, with the product's callback (it signs out a session the provider no
        # longer confirms).
        path("oidc/callback/", oidc.CallbackView.as_view(), name="oidc_authentication_callback"),
        path("oidc/authenticate/", OIDCAuthenticationRequestView.as_view(), name="oidc_authentication_init"),
        path("oidc/logout/", OIDCLogoutView.as_view(), name="oidc_logout"),
    ]


urlpatterns = [
    path("", project_views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("login/", project_views.LoginView.as_view(), name="login"),
    path("logout/", project_views.logout, name="logout"),
    # Django's language switch at its usual address, keeping the choice on the account too.
    path("i18n/setlang/", project_views.set_language, name="set_language"),
    path("people/", include("competencies.urls")),
    path("teams/", include("teams.urls")),
    path("qualification/", include("qualification.urls")),
    path("operations/", include("operations.urls")),
    path("import/", include("competencies.imports.urls")),
    path("catalogue/", include("competencies.catalogue_urls")),
    path("jobs/", include("jobs.urls")),
    path("notifications/", include("competencies.notification_urls")),
    path("todos/propose-drafts/", project_views.propose_drafts, name="propose_drafts"),
    path("api/v1/", include("servicelead.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # The split view serves Swagger UI's set-up script from a URL: no inline script (Content-Security-Policy).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
    path("admin/", admin.site.urls),
]
# Uploaded files (certificate evidence, exports) are never served as plain media: each has a view
# that checks who may read it.


if settings.SERVICELEAD_OIDC_CLIENT_ID:
    urlpatterns += oidc_urlpatterns()
