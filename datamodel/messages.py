"""What a WCO DM declaration message is: the one place that reads the function code
(WCO DM 017, UN/EDIFACT 1225 "message function code") and, for a request, the type code
(WCO DM D013).

- ``9`` *original* (1225: "initial transmission"): a new declaration.
- ``13`` *request* (1225), UK CDS's "additional message", refers to a lodged declaration
  by its MRN in ``Declaration/ID`` (D014):

  - with ``TypeCode`` ``INV`` it is a **cancellation** (invalidation at the declarant's
    request, UCC Art. 174). Source: the CDS cancellation schema
    ``customs/wrapper_cancel.xsd`` -> ``wco/declaration/CANCEL.xsd``, whose
    ``FunctionCode`` pattern is ``13`` and ``CancelTypeCode`` pattern ``INV``, and the CDS
    samples ``TT_EX010a/TT_EX010a_Cancellation.xml`` and ``TT_EX052a/Step3_Cancellation.xml``;
  - otherwise an **amendment** (UCC Art. 173; CDS sends ``TypeCode`` ``COR``; this portal
    takes the whole amended declaration, which keeps its own type code).
- ``14`` is UN/EDIFACT 1225 "advance notification" (UNECE TDED 1225; 1225's own
  cancellation is code 1). The DEC-DMS schema enumerates it, but it is no message this
  portal takes, and in particular not a cancellation: CDS cancels with 13 + ``INV``.

Every channel (JSON, XML, the form) asks ``message_kind``; nothing else compares
function codes.
"""

from enum import StrEnum


class MessageKind(StrEnum):
    ORIGINAL = "original"
    AMENDMENT = "amendment"
    CANCELLATION = "cancellation"


ORIGINAL_FUNCTION_CODE = "9"
REQUEST_FUNCTION_CODE = "13"
# D013 of a CDS cancellation ("invalidation"), CANCEL.xsd ``CancelTypeCode``.
CANCELLATION_TYPE_CODE = "INV"

# Function codes of messages that refer to a declaration already lodged rather than being
# one (13 request, 14 advance notification, the DEC-DMS enumeration beside 9): they carry
# what they are about, so the completeness rules of an original do not apply to them
# (``datamodel.rules``).
REQUEST_FUNCTION_CODES = frozenset({REQUEST_FUNCTION_CODE, "14"})


def _code(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return ""
    return str(value).strip()


def message_kind(function_code: object, type_code: object = "") -> MessageKind | None:
    """The kind of message ``function_code`` (and ``type_code``) make, or ``None`` for a
    function code that is no declaration message of this portal (14, anything else).

    Codes are compared as the XSD reads them (a token: surrounding blanks do not count;
    ``TypeCode`` ``inv`` is not ``INV``)."""
    function = _code(function_code)
    if function == ORIGINAL_FUNCTION_CODE:
        return MessageKind.ORIGINAL
    if function == REQUEST_FUNCTION_CODE:
        if _code(type_code) == CANCELLATION_TYPE_CODE:
            return MessageKind.CANCELLATION
        return MessageKind.AMENDMENT
    return None


def header_kind(document: object) -> MessageKind | None:
    """``message_kind`` of a canonical document's ``Declaration`` header (``None`` when the
    document has none)."""
    header = document.get("Declaration") if isinstance(document, dict) else None
    if not isinstance(header, dict):
        return None
    return message_kind(header.get("FunctionCode"), header.get("TypeCode"))


def referenced_mrn(document: object) -> str:
    """The MRN a request refers to (``Declaration/ID``, D014), as issued (upper case, no
    blanks); ``""`` when it gives none."""
    header = document.get("Declaration") if isinstance(document, dict) else None
    value = header.get("ID") if isinstance(header, dict) else None
    return value.strip().upper() if isinstance(value, str) else ""
