"""What a trader posts to the declarations collection (``POST declarations/``), lodged as
its function code says (``datamodel.messages``, the one place that reads it): an
original is a new declaration; an amendment (function code 13) or a cancellation
(function code 13 with type code INV, the UK CDS message) goes to the service of the
declaration whose MRN it names in ``Declaration/ID``: the same services as
``declarations/{id}/amendments/`` and ``declarations/{id}/cancel/``."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.http import Http404
from django.utils.translation import gettext as _

from datamodel.dictionary import json_pointer, wco_pointer
from datamodel.issues import Issue, IssueCode
from datamodel.messages import MessageKind, header_kind, referenced_mrn
from datamodel.xmlio.messages import message_header
from declarations.models import Declaration
from declarations.selectors import access_declaration_by_mrn, trader_of
from declarations.services import (
    DeclarationInvalid,
    declaration_submit,
    declaration_submit_xml,
)

from .amendment import AmendmentResult, declaration_amend
from .cancellation import declaration_cancel_xml


@dataclass(frozen=True)
class MessageOutcome:
    """What a message did: its ``kind``, the ``declaration`` lodged, amended or cancelled,
    and for an amendment its ``amendment`` result (the new version)."""

    kind: MessageKind
    declaration: Declaration
    amendment: AmendmentResult | None = None


def _issue(parts: tuple[str, ...], code: str, message: str) -> Issue:
    return Issue(code=code, pointer=wco_pointer(parts), path=json_pointer(parts), message=message)


def declaration_message_lodge(*, user: AbstractBaseUser, body: Any) -> MessageOutcome:
    """Lodge ``body`` (parsed JSON, or WCO DM XML bytes) as the message it is.

    - an original, or anything that is no message of this portal (function code 14,
      unreadable bytes...): ``declaration_submit`` / ``declaration_submit_xml``, which
      lodge an original and refuse anything else at its field (``not_an_original``);
    - an amendment: ``declaration_amend`` of the declaration named by ``Declaration/ID``
      (required: ``DeclarationInvalid`` at ``/Declaration/ID``);
    - a cancellation: ``declaration_cancel_xml`` (XML only: in JSON the cancellation is
      ``POST declarations/{id}/cancel/`` with a reason).

    ``Http404`` when the MRN is not one of the user's company's (another company's or
    nobody's, alike); otherwise what the service raises.
    """
    trader = trader_of(user)
    if trader is None:
        raise Http404("No such declaration")
    if isinstance(body, bytes):
        header = message_header(body)
        kind, mrn = (header.kind, header.mrn) if header is not None else (None, "")
    else:
        kind, mrn = header_kind(body), referenced_mrn(body)

    if kind == MessageKind.CANCELLATION:
        if not isinstance(body, bytes):
            raise DeclarationInvalid(
                [
                    _issue(
                        ("Declaration", "TypeCode"),
                        IssueCode.NOT_AN_ORIGINAL,
                        _(
                            "A cancellation is sent as WCO DM XML (function code 13, type "
                            'code INV), or as {"reason": "..."} to the declaration\'s '
                            "cancel/ address."
                        ),
                    )
                ]
            )
        declaration = declaration_cancel_xml(user=user, raw=body)
        return MessageOutcome(kind, declaration)

    if kind == MessageKind.AMENDMENT:
        if not mrn:
            raise DeclarationInvalid(
                [
                    _issue(
                        ("Declaration", "ID"),
                        IssueCode.REQUIRED,
                        _(
                            "An amendment (function code 13) names the MRN of the "
                            "declaration it amends in Declaration/ID."
                        ),
                    )
                ]
            )
        declaration = access_declaration_by_mrn(user, mrn)
        result = declaration_amend(
            user=user,
            declaration_id=declaration.pk,
            document=None if isinstance(body, bytes) else body,
            raw=body if isinstance(body, bytes) else None,
        )
        return MessageOutcome(kind, declaration, result)

    if isinstance(body, bytes):
        declaration = declaration_submit_xml(trader=trader, raw=body)
    else:
        declaration = declaration_submit(trader=trader, document=body)
    return MessageOutcome(MessageKind.ORIGINAL, declaration)
