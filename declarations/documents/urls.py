"""Pages of supporting documents (mounted with the trader pages)."""

from django.urls import path

from . import views

urlpatterns = [
    path("declarations/<int:pk>/documents/", views.upload_view, name="document_upload"),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
]
