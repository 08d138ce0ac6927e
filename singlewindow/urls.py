"""URL configuration: the trader pages at the root, officers under /agency/, the REST API
under /api/v1/ with its OpenAPI schema, and Django's admin for administrators."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from agencies.views.requirements import requirements_page

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("singlewindow.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("singlewindow.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("agency/", include("agencies.urls")),
    # Open without login: trade information before filing (UN/CEFACT Rec. 38).
    path("requirements/", requirements_page, name="requirements"),
    path("", include("declarations.urls")),
]
