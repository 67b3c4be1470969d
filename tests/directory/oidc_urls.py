"""The project's URLs with OpenID Connect sign-in switched on (as servicelead.urls does when configured)."""

from servicelead.urls import oidc_urlpatterns
from servicelead.urls import urlpatterns as project_urlpatterns

urlpatterns = [*project_urlpatterns, *oidc_urlpatterns()]
