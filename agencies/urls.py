"""Officer pages under /agency/, and the trader's answer to an information request."""

from django.urls import path

from . import views

app_name = "agencies"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("decided/", views.decided, name="decided"),
    path("reviews/<int:pk>/", views.review_detail, name="review"),
    path("declarations/<int:pk>/respond/", views.respond, name="respond"),
]
