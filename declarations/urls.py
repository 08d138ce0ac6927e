"""Trader pages. Names are not namespaced: ``home`` is the login redirect target."""

from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("declarations/", views.declaration_list, name="declaration_list"),
    path("declarations/new/", views.declaration_form, name="declaration_new"),
    path("declarations/upload/", views.declaration_upload, name="declaration_upload"),
    path("declarations/<int:pk>/", views.declaration_detail, name="declaration_detail"),
    path("declarations/<int:pk>/edit/", views.declaration_form, name="declaration_edit"),
    path("declarations/<int:pk>/xml/", views.declaration_xml, name="declaration_xml"),
    path("declarations/<int:pk>/copy/", views.declaration_copy, name="declaration_copy"),
    path("declarations/<int:pk>/live/", views.declaration_live, name="declaration_live"),
    path("", include("declarations.notifications.urls")),
    path("", include("declarations.documents.urls")),
]
