"""Request bodies and response formats of the API: strict JSON, WCO DM XML in and out."""

import json
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.http import parse_header_parameters
from rest_framework import exceptions
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer

from datamodel.issues import IssueCode
from datamodel.xmlio import declaration_to_xml

from .errors import BodyTooLarge, InvalidInput

# --- request bodies -----------------------------------------------------------------------

# A WCO DM declaration nests about a dozen levels (7 element levels, arrays, value objects).
MAX_JSON_DEPTH = 32
# Characters XML 1.0 cannot carry (C0 controls but tab, CR, LF; lone surrogates; U+FFFE/F):
# refused in JSON too, so both formats hold the same texts and every text encodes as UTF-8.
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _body_limit() -> int:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 10 * 1024 * 1024


def read_body(stream: Any, parser_context: Mapping[str, Any] | None) -> bytes:
    """The raw request body, refused (413 ``too_large``) beyond DATA_UPLOAD_MAX_MEMORY_SIZE.

    Reads the stream itself rather than ``request.body`` so the limit answers in the API's
    error shape, and never reads more than the limit plus one byte.
    """
    limit = _body_limit()
    request = (parser_context or {}).get("request")
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0) if request else 0
    except ValueError:
        declared = 0
    too_large = BodyTooLarge(f"The request body is larger than {limit} bytes.")
    if declared > limit:
        raise too_large
    raw = stream.read(limit + 1) if stream is not None else b""
    if len(raw) > limit:
        raise too_large
    return raw


class _NumberRejected(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    raise _NumberRejected(f"{name} is not a JSON number.")


class _DuplicateKey(ValueError):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object's members, refusing a name given twice: RFC 8259 4 leaves the meaning to
    the reader (Python keeps the last, others the first), so a declaration saying two
    things at once is refused rather than read one way here and another way elsewhere."""
    members: dict[str, Any] = {}
    for key, value in pairs:
        if key in members:
            raise _DuplicateKey(key)
        members[key] = value
    return members


def check_json_values(data: Any, *, wco_document: bool = True) -> None:
    """Refuse documents nested deeper than ``MAX_JSON_DEPTH`` and texts holding characters
    XML cannot carry; iterative, so no document can exhaust the stack. ``wco_document``:
    whether ``data`` is a WCO DM document (errors then carry the WCO pointer)."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(data, ())]
    while stack:
        value, parts = stack.pop()
        if len(parts) > MAX_JSON_DEPTH:
            raise InvalidInput.at(
                IssueCode.TOO_LARGE,
                f"The document is nested more than {MAX_JSON_DEPTH} levels deep.",
                parts[:MAX_JSON_DEPTH],
                wco_document=wco_document,
            )
        if isinstance(value, dict):
            for key, child in value.items():
                if _NOT_TEXT.search(key):
                    # The key itself cannot go into the answer: it may not encode as UTF-8.
                    raise InvalidInput.at(
                        IssueCode.MALFORMED,
                        "An element name here holds control characters or lone surrogates.",
                        parts,
                        wco_document=wco_document,
                    )
                stack.append((child, (*parts, key)))
        elif isinstance(value, list):
            stack.extend((child, (*parts, index)) for index, child in enumerate(value))
        elif isinstance(value, str) and _NOT_TEXT.search(value):
            raise InvalidInput.at(
                IssueCode.MALFORMED,
                "This text holds control characters or lone surrogates.",
                parts,
                wco_document=wco_document,
            )


class JSONBodyParser(BaseParser):
    """``application/json`` bodies, strictly: UTF-8 only, at most DATA_UPLOAD_MAX_MEMORY_SIZE
    bytes (413 beyond), no member name twice in one object, no NaN/Infinity, no integer of
    more than 4300 digits, nesting at most ``MAX_JSON_DEPTH``, no control characters in
    texts. Every refusal is a 400 ``malformed``
    or ``too_large`` error, never a server error. Returns the parsed value, whatever its
    type (the service says what a declaration must look like); fractions as ``Decimal``.

    Errors inside the value carry a WCO pointer only when the view takes a WCO DM document
    (``ApiView.wco_document_body``); a decision's ``reason`` is no WCO element.
    """

    media_type = "application/json"

    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        raw = read_body(stream, parser_context)
        _, params = parse_header_parameters(media_type or "")
        charset = params.get("charset", "utf-8").lower()
        if charset not in ("utf-8", "utf8"):
            raise exceptions.UnsupportedMediaType(
                media_type, detail="JSON must be sent as UTF-8 (RFC 8259)."
            )
        try:
            text = raw.decode("utf-8-sig")
            # Decimal, not float: amounts of n..16,3 keep every digit the trader sent
            # (datamodel turns JSON numbers into canonical decimal strings).
            data = json.loads(
                text,
                parse_constant=_reject_constant,
                parse_float=Decimal,
                object_pairs_hook=_unique_keys,
            )
        except UnicodeDecodeError:
            raise InvalidInput.at(IssueCode.MALFORMED, "The body is not valid UTF-8.") from None
        except RecursionError:
            raise InvalidInput.at(
                IssueCode.TOO_LARGE, "The JSON body is nested too deeply."
            ) from None
        except _DuplicateKey as error:
            name = str(error)[:100].encode("utf-8", "replace").decode("utf-8")
            raise InvalidInput.at(
                IssueCode.MALFORMED, f"The body gives the member {name!r} twice in one object."
            ) from None
        except json.JSONDecodeError as error:
            raise InvalidInput.at(
                IssueCode.MALFORMED,
                f"The body is not valid JSON: {error.msg} "
                f"(line {error.lineno}, column {error.colno}).",
            ) from None
        except ValueError as error:  # _NumberRejected, or an int over 4300 digits
            detail = error if isinstance(error, _NumberRejected) else "a number is too long."
            raise InvalidInput.at(
                IssueCode.MALFORMED, f"The body holds a number JSON cannot carry: {detail}"
            ) from None
        view = (parser_context or {}).get("view")
        check_json_values(data, wco_document=getattr(view, "wco_document_body", False))
        return data


class WcoXmlParser(BaseParser):
    """``application/xml`` bodies (WCO DM XML): the raw bytes, untouched and undecoded, for
    ``datamodel.xmlio.declaration_from_xml`` (the XML declares its own encoding). Only the
    size limit is applied here."""

    media_type = "application/xml"

    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        return read_body(stream, parser_context)


class WcoXmlTextParser(WcoXmlParser):
    media_type = "text/xml"


class WcoXmlRenderer(BaseRenderer):
    """Renders a canonical document as WCO DM XML (``datamodel.xmlio.declaration_to_xml``)."""

    media_type = "application/xml"
    format = "xml"
    charset = None  # the XML declaration inside the bytes names the encoding

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        return declaration_to_xml(data)


XML_PARSERS: list[type[BaseParser]] = [WcoXmlParser, WcoXmlTextParser]
XML_RENDERERS: list[type[BaseRenderer]] = [WcoXmlRenderer]
