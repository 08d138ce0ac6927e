"""The WCO DM XML upload form and its bounded in-memory upload handler."""

from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from django import forms
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from datamodel.issues import Issue, Severity
from datamodel.xmlio import MAX_BYTES as MAX_XML_BYTES

from .base import PortalBoundField, PortalForm

# --- WCO DM XML upload --------------------------------------------------------------------

XML_FILE_FIELD = "xml_file"
XML_ACCEPT = ".xml,application/xml,text/xml"
UPLOAD_SUMMARY_ID = "upload-error-summary"


def xml_size_limit() -> str:
    """The size limit of a declaration file for people: "10 MB" (MB of 1024 × 1024 bytes)."""
    return _("%(megabytes)s MB") % {"megabytes": MAX_XML_BYTES // (1024 * 1024)}


class XmlUploadHandler(FileUploadHandler):
    """Receives the one file of ``XmlUploadForm`` into memory and nothing else.

    Django's default handlers would spool a file of any size to disk before the view sees
    it. This one keeps at most ``MAX_XML_BYTES + 1`` bytes of the file (enough to know it
    is too large), drops the rest as it arrives, and skips every other file in the request,
    so one request costs at most about 10 MB of memory whatever is sent. The uploaded
    file's ``size`` is what the browser sent; its content is cut at the limit, which is why
    ``XmlUploadForm`` refuses an oversize file before anything reads it.
    """

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        # Not ``self.file``: the multipart parser closes a handler's ``file`` when it
        # skips a later file, which would close the one already kept.
        self._buffer: BytesIO | None = None

    def new_file(self, field_name: str, *args: Any, **kwargs: Any) -> None:
        if field_name != XML_FILE_FIELD or self._buffer is not None:
            raise SkipFile
        super().new_file(field_name, *args, **kwargs)
        self._buffer = BytesIO()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        assert self._buffer is not None
        room = MAX_XML_BYTES + 1 - self._buffer.tell()
        if room > 0:
            self._buffer.write(raw_data[:room])
        return None  # consumed: no other handler sees the chunk

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        assert self._buffer is not None
        self._buffer.seek(0)
        return InMemoryUploadedFile(
            file=self._buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


@dataclass(frozen=True, slots=True)
class UploadProblem:
    """One line of the upload error summary: an ``Issue`` of the validation layer, or a
    problem with the form itself (no file, too large), which has no code or pointer."""

    message: str
    severity: str = Severity.ERROR
    code: str = ""
    pointer: str = ""
    path: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR

    @property
    def severity_label(self) -> str:
        return str(_("Error") if self.is_error else _("Warning"))


class XmlUploadBoundField(PortalBoundField):
    """Marks the file input invalid whenever the upload was refused (by the form or by the
    validation layer) and ties it to the error summary above it, which lists why."""

    def build_widget_attrs(self, attrs: dict[str, Any], widget: Any = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        if self.form.problems():
            attrs["aria-invalid"] = "true"
            widget = widget or self.field.widget
            css = attrs.get("class", widget.attrs.get("class", ""))
            if "is-invalid" not in css.split():
                attrs["class"] = f"{css} is-invalid".strip()
            # The summary replaces the error text Django would put under the field.
            attrs["aria-describedby"] = f"{UPLOAD_SUMMARY_ID} {self.auto_id}_helptext"
        return attrs


class XmlUploadForm(PortalForm):
    """One WCO DEC-DMS 2 declaration as an XML file (upload with ``XmlUploadHandler``).

    The form checks only that there is a file and that it is within the size limit; what
    the bytes say is for ``services.declaration_submit_xml``, whose issues ``refuse`` adds.
    """

    bound_field_class = XmlUploadBoundField

    xml_file = forms.FileField(
        label=_("Declaration file (WCO DM XML)"),
        # An empty file goes on to the validation layer, which says so as an issue.
        allow_empty_file=True,
        error_messages={"required": _("Choose an XML file to upload.")},
        widget=forms.FileInput(attrs={"accept": XML_ACCEPT}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[XML_FILE_FIELD].help_text = _(
            "A WCO DEC-DMS 2 declaration: an XML file with a MetaData root, at most %(limit)s."
        ) % {"limit": xml_size_limit()}
        self.issues: list[Issue] = []

    def clean_xml_file(self) -> InMemoryUploadedFile:
        upload = self.cleaned_data[XML_FILE_FIELD]
        # Decided on the size the browser sent, before anything reads the content.
        if upload.size > MAX_XML_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s, the limit for a declaration file."),
                code="too_large",
                params={"limit": xml_size_limit()},
            )
        return upload

    def xml_bytes(self) -> bytes:
        """The file's bytes, as sent (after ``is_valid``): never decoded here, the XML
        declaration says how."""
        upload = self.cleaned_data[XML_FILE_FIELD]
        upload.seek(0)
        return upload.read(MAX_XML_BYTES + 1)

    def refuse(self, issues: Iterable[Issue]) -> None:
        """Record why the validation layer refused the file, for the summary."""
        self.issues = list(issues)

    def problems(self) -> list[UploadProblem]:
        """Every problem, errors first then warnings, each group in the order found."""
        lines = [
            UploadProblem(message=str(error)) for errors in self.errors.values() for error in errors
        ]
        lines += [
            UploadProblem(
                message=str(issue.message),
                severity=str(issue.severity),
                code=str(issue.code),
                pointer=issue.pointer,
                path=issue.path,
            )
            for issue in self.issues
        ]
        return sorted(lines, key=lambda line: not line.is_error)
