"""Writes on supporting documents: check a file from its bytes and keep it in the storage."""

import hashlib
from dataclasses import dataclass
from datetime import date

import filetype
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from datamodel.codelists import load_code_list
from declarations.models import OPEN_STATUSES, ClearanceStatus, Declaration
from declarations.selectors import access_declaration

from .models import ALLOWED_TYPES, SupportingDocument

MEGABYTE = 1024 * 1024
# Issue 9: at most 10 MB a file and 50 MB a declaration (the same bound as an XML
# declaration; what a scan of a certificate or an invoice needs).
MAX_FILE_BYTES = 10 * MEGABYTE
MAX_DECLARATION_BYTES = 50 * MEGABYTE
# What ``filetype`` needs to tell PDF, PNG and JPEG apart (their signatures are in the
# first 8 bytes; the library reads up to 8,192).
HEAD_BYTES = 8192
# A trader attaches documents while filing (a draft), right after lodging and while the
# agencies review; not once the declaration is cleared, rejected or cancelled.
ATTACHABLE_STATUSES = (ClearanceStatus.DRAFT, ClearanceStatus.SUBMITTED, *OPEN_STATUSES)


class DocumentInvalid(Exception):
    """The document was refused; ``errors`` maps each field (``file``, ``type_code``,
    ``reference``, ``issue_date``, ``item``) to what is wrong with it."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


@dataclass(frozen=True, slots=True)
class DocumentFacts:
    """What the trader says of a file: ``type_code`` (WCO DM D031 + D006), ``reference``
    (D005), ``issue_date`` (276) and the goods item it supports (``item``: WCO DM 006,
    ``None`` for the whole declaration)."""

    type_code: str
    reference: str
    issue_date: date | None = None
    item: int | None = None


def document_codes() -> frozenset[str]:
    """The document codes in force today (code list ``document-codes``: UCC Annex B DE 2/3,
    HMRC CDS Appendix 5). Incomplete, but a document typed with a code nobody knows helps
    no officer, so the upload takes only codes of the list."""
    return load_code_list("document-codes").codes_on(date.today()) or frozenset()


def detected_type(upload: UploadedFile) -> str | None:
    """The media type of ``upload`` read from its first bytes (magic numbers, the
    ``filetype`` package), if it is one the portal keeps (``ALLOWED_TYPES``); the name and
    the content type the browser sent are not looked at."""
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        return None
    return kind.mime


def _facts_errors(declaration: Declaration, facts: DocumentFacts) -> dict[str, str]:
    errors: dict[str, str] = {}
    code = facts.type_code.strip().upper()
    if not code:
        errors["type_code"] = _("Choose the document code.")
    elif code not in document_codes():
        errors["type_code"] = _("%(code)s is not a known document code.") % {"code": code}
    if not facts.reference.strip():
        errors["reference"] = _("Give the document's reference (its number).")
    elif len(facts.reference.strip()) > 35:
        errors["reference"] = _("The reference has at most 35 characters.")
    if facts.item is not None and facts.item not in item_sequences(declaration):
        errors["item"] = _("The declaration has no goods item %(item)s.") % {"item": facts.item}
    return errors


def item_sequences(declaration: Declaration) -> set[int]:
    """The goods item numbers of the declaration: its rows once lodged, the items of the
    draft's document while filing (WCO DM 006 in order, 1-based)."""
    if declaration.status != ClearanceStatus.DRAFT:
        return set(declaration.items.values_list("sequence", flat=True))
    shipment = (declaration.document or {}).get("Declaration", {}).get("GoodsShipment", {})
    items = shipment.get("GovernmentAgencyGoodsItem") if isinstance(shipment, dict) else None
    return set(range(1, len(items) + 1)) if isinstance(items, list) else set()


def _file_errors(upload: UploadedFile | None) -> tuple[dict[str, str], str | None]:
    if upload is None:
        return {"file": _("Choose a file (PDF, PNG or JPEG).")}, None
    if upload.size > MAX_FILE_BYTES:
        return {
            "file": _("The file is larger than %(limit)s MB.")
            % {"limit": MAX_FILE_BYTES // MEGABYTE}
        }, None
    if upload.size == 0:
        return {"file": _("The file is empty.")}, None
    content_type = detected_type(upload)
    if content_type is None:
        return {"file": _("The file is not a PDF, PNG or JPEG document.")}, None
    return {}, content_type


def document_attach(
    *, user, declaration_id: int, upload: UploadedFile | None, facts: DocumentFacts
) -> SupportingDocument:
    """Keep ``upload`` as a supporting document of the user's declaration.

    The file must be a PDF, PNG or JPEG by its bytes (``detected_type``), at most
    ``MAX_FILE_BYTES``, and the declaration's documents together at most
    ``MAX_DECLARATION_BYTES`` (counted under the declaration's row lock, so two uploads at
    once cannot pass the bound together); the declaration must be a draft or open
    (``ATTACHABLE_STATUSES``). Raises ``Http404`` (not the user's company's declaration),
    ``DocumentInvalid`` (with every error at its field; nothing stored).
    """
    errors, content_type = _file_errors(upload)
    with transaction.atomic():
        declaration = access_declaration(user, declaration_id, lock=True)
        if declaration.status not in ATTACHABLE_STATUSES:
            raise DocumentInvalid(
                {"file": _("Documents can no longer be added: the declaration is closed.")}
            )
        errors |= _facts_errors(declaration, facts)
        if not errors:
            assert upload is not None and content_type is not None
            kept = declaration.documents.aggregate(total=Sum("size"))["total"] or 0
            if kept + upload.size > MAX_DECLARATION_BYTES:
                errors["file"] = _(
                    "The declaration's documents would exceed %(limit)s MB together."
                ) % {"limit": MAX_DECLARATION_BYTES // MEGABYTE}
        if errors:
            raise DocumentInvalid(errors)
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        document = SupportingDocument(
            declaration=declaration,
            item_sequence=facts.item,
            type_code=facts.type_code.strip().upper(),
            reference=facts.reference.strip(),
            issue_date=facts.issue_date,
            original_name=(upload.name or "document")[-255:],
            content_type=content_type,
            size=upload.size,
            sha256=digest.hexdigest(),
            uploaded_by=user,
        )
        # The storage writes the file before the row is inserted (``models.stored_name``
        # picks its path); should the insert fail, the file is removed again.
        document.file.save("document", upload, save=False)
        try:
            document.save()
        except Exception:
            document.file.delete(save=False)
            raise
    return document
