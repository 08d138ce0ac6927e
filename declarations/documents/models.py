"""Supporting documents: files a trader attaches to a declaration or to one goods item."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from declarations.models import Declaration

# The file types the portal keeps, by the media type read from the file's bytes
# (``services.detected_type``), with the extension given to the stored file.
ALLOWED_TYPES: dict[str, str] = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
}


def stored_name(document: "SupportingDocument", filename: str) -> str:
    """Where the file goes in the storage: never the trader's file name (which may hold
    anything), a random one under the declaration, with the extension of the detected type."""
    extension = ALLOWED_TYPES.get(document.content_type, "bin")
    return f"documents/{document.declaration_id}/{uuid.uuid4().hex}.{extension}"


class SupportingDocument(models.Model):
    """One file supporting a declaration (WCO DM AdditionalDocument, 02A), or one of its
    goods items when ``item_sequence`` is set (WCO DM 006, GovernmentAgencyGoodsItem
    SequenceNumeric).

    ``type_code``: category + type (WCO DM D031 + D006, UCC Annex B DE 2/3, e.g. ``N935``,
    ``C085``; code list ``document-codes``); ``reference``: the document's identifier
    (WCO DM D005, an..35); ``issue_date``: WCO DM 276 (EffectiveDateTime). ``content_type``
    is what the file's bytes are (one of ``ALLOWED_TYPES``), never what the browser said;
    ``size`` in bytes; ``sha256`` the hex digest of the stored bytes.
    """

    declaration = models.ForeignKey(Declaration, on_delete=models.PROTECT, related_name="documents")
    item_sequence = models.PositiveIntegerField(_("goods item"), null=True, blank=True)
    type_code = models.CharField(_("document code"), max_length=4)
    reference = models.CharField(_("reference"), max_length=35)
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to=stored_name, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("supporting document")
        verbose_name_plural = _("supporting documents")
        ordering = ["uploaded_at", "pk"]
        indexes = [models.Index(fields=["declaration", "item_sequence"])]

    def __str__(self) -> str:
        return f"{self.type_code} {self.reference}"
