"""A browser form over the upload limit is told so in words (413), not with Django's bare
400 page: the CSRF check reads the form before any view could say why."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class FormTooLargeMiddleware:
    """Answer a form post (``application/x-www-form-urlencoded``) whose declared size is
    over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` with 413 and a page that says the limit. The API
    answers its own 413 in its error shape; file uploads (multipart) are bounded by their
    own handler (``XmlUploadHandler``), which reports on the upload page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if (
            limit is not None
            and length > limit
            and request.content_type == "application/x-www-form-urlencoded"
        ):
            return render(
                request,
                "413.html",
                {"limit_mb": max(1, limit // (1024 * 1024))},
                status=413,
            )
        return self.get_response(request)
