"""Which WCO DM message an XML body holds (``message_header``), and the CDS cancellation
message read and validated (``cancellation_from_xml``).

What a function code means is decided in one place, ``datamodel.messages``; this module
only reads the codes from XML. A cancellation is validated against the CDS cancellation
schema (``customs/wrapper_cancel.xsd``) with the error mapping of the submission
(``schema.schema_issues``): every problem is one ``Issue`` with its WCO pointer and JSON
path, as for a declaration.
"""

from dataclasses import dataclass, field
from functools import cache
from io import BytesIO

from django.utils.translation import gettext as _
from lxml import etree

from datamodel.dictionary import json_pointer, wco_pointer
from datamodel.issues import Issue, IssueCode, Severity
from datamodel.messages import (
    CANCELLATION_TYPE_CODE,
    REQUEST_FUNCTION_CODE,
    MessageKind,
    message_kind,
)

from .names import (
    CANCEL_DECLARATION_SCHEMA,
    CANCEL_METADATA_SCHEMA,
    CANCEL_SCHEMA,
    NS_DEC,
    TAG_DECLARATION,
    local_name,
)
from .parsing import MAX_BYTES, parse_declaration_xml
from .reading import DECLARATION_KEY, METADATA_KEY
from .schema import load_schema, schema_issues

_DEC = f"{{{NS_DEC}}}"
_XS = "{http://www.w3.org/2001/XMLSchema}"
# The header elements that say what a message is (WCO DM 017, D014, D013).
_HEADER_NAMES = frozenset({"FunctionCode", "ID", "TypeCode"})
# Elements read at most before giving up on the header: it comes first in every schema
# (MetaData fields, then FunctionCode, FunctionalReferenceID, ID, ..., TypeCode).
MAX_HEADER_ELEMENTS = 200


@dataclass(frozen=True, slots=True)
class MessageHeader:
    """``FunctionCode``, ``TypeCode`` and ``ID`` of a message's Declaration, as sent."""

    function_code: str
    type_code: str
    id: str

    @property
    def kind(self) -> MessageKind | None:
        return message_kind(self.function_code, self.type_code)

    @property
    def mrn(self) -> str:
        """``ID`` as an MRN is issued: upper case, no surrounding blanks."""
        return self.id.strip().upper()


def message_header(raw: bytes) -> MessageHeader | None:
    """The header of the first DEC-DMS ``Declaration`` in ``raw``, read without parsing
    the whole document (the header comes first: the parse stops after ``TypeCode``, at
    the end of the header or after ``MAX_HEADER_ELEMENTS`` elements), or ``None`` when
    none can be read.

    Only a router: whatever it finds, the message is then parsed safely and validated in
    full by the path it leads to (``declaration_from_xml``, ``cancellation_from_xml``),
    which reports any problem; so this never raises and never reports anything itself.
    No DTD is loaded, no entity resolved, no network reached.
    """
    if not isinstance(raw, bytes) or len(raw) > MAX_BYTES:
        return None
    found: dict[str, str] = {}
    depth = 0
    declaration_depth: int | None = None
    try:
        events = etree.iterparse(
            BytesIO(raw),
            events=("start", "end"),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
        )
        for count, (event, element) in enumerate(events):
            if count > 2 * MAX_HEADER_ELEMENTS:
                break
            if event == "start":
                depth += 1
                if declaration_depth is None and element.tag == TAG_DECLARATION:
                    declaration_depth = depth
                continue
            depth -= 1
            if declaration_depth is None:
                continue
            if depth < declaration_depth:
                break  # the end of the Declaration
            tag = element.tag
            if (
                depth == declaration_depth
                and isinstance(tag, str)
                and tag.startswith(_DEC)
                and local_name(tag) in _HEADER_NAMES
            ):
                found.setdefault(local_name(tag), (element.text or "").strip())
                if local_name(tag) == "TypeCode":
                    break
    except (etree.LxmlError, ValueError, LookupError, TypeError):
        pass
    if declaration_depth is None:
        return None
    return MessageHeader(
        function_code=found.get("FunctionCode", ""),
        type_code=found.get("TypeCode", ""),
        id=found.get("ID", ""),
    )


# --- the cancellation ---------------------------------------------------------------------


@cache
def cancellation_schema() -> etree.XMLSchema:
    """The CDS cancellation schema, built on first use and kept for the process."""
    return load_schema(CANCEL_SCHEMA)


@dataclass(frozen=True)
class CancellationContent:
    """The children each element of the cancellation message allows and requires, read
    from the copied schemas (``CANCEL.xsd``, ``CANCEL_METADATA.xsd``): an
    ``schema.ContentModel``, so that a missing reason is reported at
    ``/Declaration/AdditionalInformation``, not as an element "out of order"."""

    children: dict[tuple[str, ...], tuple[tuple[str, ...], frozenset[str]]]

    def allowed(self, names: tuple[str, ...]) -> tuple[str, ...] | None:
        entry = self.children.get(names or (METADATA_KEY,))
        return entry[0] if entry else None

    def required(self, names: tuple[str, ...]) -> frozenset[str]:
        entry = self.children.get(names or (METADATA_KEY,))
        return entry[1] if entry else frozenset()


def _sequence(
    owner: etree._Element,
    names: tuple[str, ...],
    out: dict[tuple[str, ...], tuple[tuple[str, ...], frozenset[str]]],
) -> None:
    elements = owner.findall(f"{_XS}sequence/{_XS}element")
    out[names] = (
        tuple(el.get("name", "") for el in elements),
        frozenset(el.get("name", "") for el in elements if el.get("minOccurs", "1") != "0"),
    )
    for element in elements:
        nested = element.find(f"{_XS}complexType")
        if nested is not None:
            _sequence(nested, (*names, element.get("name", "")), out)


@cache
def cancellation_content() -> CancellationContent:
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    children: dict[tuple[str, ...], tuple[tuple[str, ...], frozenset[str]]] = {}
    declaration = etree.parse(str(CANCEL_DECLARATION_SCHEMA), parser).getroot()
    declaration_type = declaration.find(f"{_XS}complexType[@name='{DECLARATION_KEY}']")
    assert declaration_type is not None, f"no Declaration type in {CANCEL_DECLARATION_SCHEMA}"
    _sequence(declaration_type, (DECLARATION_KEY,), children)
    metadata = etree.parse(str(CANCEL_METADATA_SCHEMA), parser).getroot()
    envelope = metadata.find(f"{_XS}element[@name='{METADATA_KEY}']/{_XS}complexType")
    assert envelope is not None, f"no MetaData element in {CANCEL_METADATA_SCHEMA}"
    fields = [el.get("name", "") for el in envelope.findall(f"{_XS}sequence/{_XS}element")]
    children[(METADATA_KEY,)] = ((*fields, DECLARATION_KEY), frozenset({DECLARATION_KEY}))
    return CancellationContent(children)


@dataclass
class CancellationResult:
    """What ``cancellation_from_xml`` read: the ``mrn`` cancelled (D014), the trader's
    ``reason`` (225, every ``AdditionalInformation/StatementDescription``), the
    ``change_reason_code`` (099) and the ``submitter_id`` (R059, ``""`` if not given);
    ``issues`` why it is refused (none: it may be acted on)."""

    mrn: str = ""
    reason: str = ""
    change_reason_code: str = ""
    submitter_id: str = ""
    issues: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(issue.severity == Severity.ERROR for issue in self.issues)


def _issue(parts: tuple[str, ...], code: IssueCode, message: str) -> Issue:
    return Issue(code=code, pointer=wco_pointer(parts), path=json_pointer(parts), message=message)


def _not_a_cancellation(function_code: str, type_code: str) -> list[Issue]:
    """What makes a message no cancellation, at its fields (``datamodel.messages``)."""
    issues = []
    if function_code != REQUEST_FUNCTION_CODE:
        issues.append(
            _issue(
                (DECLARATION_KEY, "FunctionCode"),
                IssueCode.BAD_FORMAT,
                _(
                    "A cancellation has function code 13 (a request) with type code INV, "
                    "not function code %(code)s."
                )
                % {"code": function_code or _("none")},
            )
        )
    if type_code != CANCELLATION_TYPE_CODE:
        issues.append(
            _issue(
                (DECLARATION_KEY, "TypeCode"),
                IssueCode.BAD_FORMAT,
                _("A cancellation has type code INV, not %(code)s.")
                % {"code": type_code or _("none")},
            )
        )
    return issues


def _text(element: etree._Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def cancellation_from_xml(raw: bytes) -> CancellationResult:
    """Read a CDS cancellation message (``MetaData`` envelope of ``wrapper_cancel.xsd``, or
    a bare ``Declaration``) from XML bytes: parsed safely as any declaration
    (``parse_declaration_xml``: no DTD, limits), a message that is no cancellation refused
    at its function and type codes alone, then validated against the cancellation schema
    (a missing MRN, reason or change reason code is a ``required`` issue at its field).
    Never raises on any input."""
    parsed = parse_declaration_xml(raw)
    if parsed.root is None or not parsed.ok:
        return CancellationResult(issues=parsed.issues)
    root = parsed.root
    declaration = root if root.tag == TAG_DECLARATION else root.find(TAG_DECLARATION)
    if declaration is not None:
        function_code = _text(declaration.find(f"{_DEC}FunctionCode"))
        type_code = _text(declaration.find(f"{_DEC}TypeCode"))
        if message_kind(function_code, type_code) != MessageKind.CANCELLATION:
            return CancellationResult(issues=_not_a_cancellation(function_code, type_code))
    issues = schema_issues(root, schema=cancellation_schema(), content=cancellation_content())
    if issues or declaration is None:
        return CancellationResult(issues=[*parsed.issues, *issues])
    statements = f"{_DEC}AdditionalInformation/{_DEC}StatementDescription"
    reasons = [_text(element) for element in declaration.iterfind(statements)]
    return CancellationResult(
        mrn=_text(declaration.find(f"{_DEC}ID")).upper(),
        reason="\n".join(reason for reason in reasons if reason),
        change_reason_code=_text(declaration.find(f"{_DEC}Amendment/{_DEC}ChangeReasonCode")),
        submitter_id=_text(declaration.find(f"{_DEC}Submitter/{_DEC}ID")),
        issues=parsed.issues,
    )
