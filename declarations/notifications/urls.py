"""Notification pages (mounted at the portal's root by ``declarations.urls``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/unread/", views.notification_unread, name="notification_unread"),
    path("notifications/read-all/", views.notification_read_all, name="notification_read_all"),
]
