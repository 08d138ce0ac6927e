"""The bounded upload handler and the browser form for a supporting document."""

from typing import Any

from django import forms
from django.core.files.uploadhandler import SkipFile, TemporaryFileUploadHandler
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from declarations.forms.base import PortalForm

from .services import MAX_FILE_BYTES, document_codes

FILE_FIELD = "file"
ACCEPT = ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"


class DocumentUploadHandler(TemporaryFileUploadHandler):
    """Receives the one ``file`` of a document upload into a temporary file, keeping at
    most ``MAX_FILE_BYTES + 1`` bytes (enough to know it is too large) and dropping the
    rest as it arrives; every other file in the request is skipped. The file's ``size`` is
    what was sent, so ``document_attach`` refuses an oversize file before reading it."""

    def __init__(self, request: HttpRequest | None = None, field: str = FILE_FIELD) -> None:
        super().__init__(request)
        self._field = field
        self._kept = 0
        self._seen = False

    def new_file(self, field_name: str, *args: Any, **kwargs: Any) -> None:
        if field_name != self._field or self._seen:
            raise SkipFile
        self._seen = True
        super().new_file(field_name, *args, **kwargs)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        room = MAX_FILE_BYTES + 1 - self._kept
        if room > 0:
            self.file.write(raw_data[:room])
            self._kept += min(room, len(raw_data))
        return None


def use_document_upload_handler(request: HttpRequest, field: str = FILE_FIELD) -> None:
    """Put ``DocumentUploadHandler`` for the file field ``field`` on ``request`` (before its
    body is read)."""
    request.upload_handlers = [DocumentUploadHandler(request, field)]


def document_code_choices() -> list[tuple[str, str]]:
    """The document codes for a select, sorted (code list ``document-codes``)."""
    return [("", _("Choose a document code"))] + [(code, code) for code in sorted(document_codes())]


class DocumentForm(PortalForm):
    """A supporting document: the file and what it is (WCO DM AdditionalDocument)."""

    file = forms.FileField(
        label=_("File (PDF, PNG or JPEG, at most 10 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    type_code = forms.ChoiceField(label=_("Document code"), required=False, choices=())
    reference = forms.CharField(label=_("Reference"), required=False, max_length=35)
    issue_date = forms.DateField(
        label=_("Issue date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    item = forms.IntegerField(
        label=_("Goods item (empty: the whole declaration)"), required=False, min_value=1
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type_code"].choices = document_code_choices()
