"""Safe parsing of untrusted declaration XML and finding the declaration in it.

Every input is bytes from a trader: it is never decoded by us (the XML declaration's
``encoding`` decides), never allowed to reach the file system or the network, and never
allowed to cost more than the limits below. Whatever happens, the result is a list of
``Issue`` objects, never an exception.
"""

import codecs
import re
from dataclasses import dataclass, field
from io import BytesIO

from django.utils.translation import gettext as _
from lxml import etree

from datamodel.issues import Issue, IssueCode, Severity

from .names import TAG_DECLARATION, TAG_METADATA, local_name, namespace_of

# Limits. A real declaration of 999 goods items is about 1-2 MB and 30-60k elements with
# a depth of 10 (MetaData/Declaration/GoodsShipment/GovernmentAgencyGoodsItem/...).
MAX_BYTES = 10 * 1024 * 1024
MAX_DEPTH = 64
MAX_ELEMENTS = 250_000

# Encodings a declaration may declare. Others are refused because (a) filter-evading
# encodings such as UTF-7 hide markup from byte-level checks, and (b) the cheap element
# bound below (counting b"<") only holds for ASCII-compatible encodings and UTF-16.
_ALLOWED_ENCODINGS = frozenset(
    {"utf-8", "utf-16", "utf-16-le", "utf-16-be", "ascii"}
    | {f"iso8859-{n}" for n in range(1, 17)}
    | {f"cp{n}" for n in range(1250, 1259)}
)
_XML_DECLARATION_ENCODING = re.compile(
    rb"""<\?xml[ \t\r\n][^>]*?encoding[ \t\r\n]*=[ \t\r\n]*["']([A-Za-z][A-Za-z0-9._-]*)["']"""
)
# A DTD (internal subset, external subset or entity declarations) in any of the
# encodings we accept; only looked for after a parse failed, to name the cause.
_DTD_MARKERS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("ascii", "utf-16-le", "utf-16-be")
)
# True when an element sits deeper than MAX_DEPTH (the root is depth 1). One C-level walk,
# but a slow one (a node set per level): ``declaration_from_xml`` runs it only when the
# schema has not already bounded the depth (see ``depth_issue``).
_TOO_DEEP = etree.XPath("boolean(/*" + "/*" * MAX_DEPTH + ")")
_HAS_PROCESSING_INSTRUCTION = etree.XPath("boolean(//processing-instruction())")
# Encodings in which every character below 0x80 is that one byte, and no other character
# uses such a byte: there, the characters "<?" of any processing instruction are the bytes
# b"<?" (see ``_may_hold_processing_instruction``).
_ASCII_COMPATIBLE = _ALLOWED_ENCODINGS - {"utf-16", "utf-16-le", "utf-16-be"}
_XML_BLANKS = (b" ", b"\t", b"\r", b"\n")


@dataclass(slots=True)
class XmlParseResult:
    """What ``parse_declaration_xml`` found.

    ``tree``: the whole parsed document (``None`` when it could not be parsed safely);
    ``root``: the element to read as the declaration: the ``MetaData`` root, a bare
    ``Declaration`` root, or the ``MetaData`` found inside a transport envelope
    (``None`` when there is no declaration); ``issues``: why not, or a warning.
    """

    tree: etree._ElementTree | None
    root: etree._Element | None
    issues: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.root is not None and not any(i.severity == Severity.ERROR for i in self.issues)


def _document_issue(code: IssueCode, message: str, severity: Severity = Severity.ERROR) -> Issue:
    """An issue about the whole document: no field to point at, so empty pointer and path."""
    return Issue(code=code, pointer="", path="", message=message, severity=severity)


def _new_parser() -> etree.XMLParser:
    # One parser per call: lxml parsers keep state and are not meant to be shared between
    # threads. Comments are dropped: they are annotations, not data, and have no place in
    # the canonical JSON. Processing instructions are kept so that we can refuse them.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=False,
        strip_cdata=True,
    )


def _declared_encoding(raw: bytes) -> str:
    """The encoding the document announces (byte order mark or XML declaration).

    XML 1.0 appendix F: UTF-16 is recognised by its BOM or by ``<?`` in two-byte form;
    otherwise the XML declaration is ASCII-compatible and names the encoding; no
    declaration means UTF-8.
    """
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)) or raw[:4] in (
        b"\x00\x00\x00<",
        b"<\x00\x00\x00",
    ):
        return "utf-32"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or raw[:4] in (
        b"<\x00?\x00",
        b"\x00<\x00?",
    ):
        return "utf-16"
    head = raw[3:256] if raw.startswith(codecs.BOM_UTF8) else raw[:256]
    match = _XML_DECLARATION_ENCODING.match(head)
    return match.group(1).decode("ascii") if match else "utf-8"


def _encoding_allowed(name: str) -> bool:
    try:
        return codecs.lookup(name).name in _ALLOWED_ENCODINGS
    except LookupError:
        return False


# Encodings of one byte per character in which any byte sequence is text: UTF-8 bytes
# declared as one of them are read without error, each multi-byte character as two or three
# wrong ones ("Müller" as "MÃ¼ller").
_SINGLE_BYTE = frozenset(
    {f"iso8859-{n}" for n in range(1, 17)} | {f"cp{n}" for n in range(1250, 1259)}
)
_NON_ASCII_WORD = re.compile(r"[^\s<>\"'=/]*[^\x00-\x7f]+[^\s<>\"'=/]*")


def _encoding_mismatch(raw: bytes, encoding: str) -> Issue | None:
    """ENCODING_MISMATCH when the document declares a single-byte encoding (ISO 8859-n,
    Windows-125n) but its bytes are UTF-8 holding non-ASCII characters, else None.

    Such bytes read in the declared encoding give mojibake ("MÃ¼ller" for "Müller") without
    any parse error, so the XML parser cannot see it. Text really written in ISO 8859-1
    practically never forms valid UTF-8 multi-byte sequences (they need an accented capital
    or symbol followed by one or two C1-range bytes: Unicode Standard, 3.9 Table 3-7, and
    the W3C's "Character encodings for beginners"), so valid UTF-8 here means UTF-8.
    Refused, with one word as it would be read, rather than stored wrongly.
    """
    try:
        declared = codecs.lookup(encoding).name
    except LookupError:
        return None
    if declared not in _SINGLE_BYTE or raw.isascii():
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    match = _NON_ASCII_WORD.search(text)
    word = match.group(0)[:40] if match else ""
    misread = word.encode("utf-8").decode(declared, errors="replace")
    return _document_issue(
        IssueCode.ENCODING_MISMATCH,
        _(
            'The XML declares encoding="%(declared)s", but its bytes are UTF-8: '
            '"%(word)s" would be read as "%(misread)s". Declare encoding="UTF-8" (or send '
            "the document in %(declared)s)."
        )
        % {"declared": encoding, "word": word, "misread": misread},
    )


def _syntax_issue(raw: bytes, error: etree.XMLSyntaxError) -> Issue:
    if any(marker in raw for marker in _DTD_MARKERS):
        # libxml2 stops DTD abuse (entity amplification, undefined entities) with a
        # syntax error; the cause the trader must fix is the DTD itself.
        return _document_issue(
            IssueCode.FORBIDDEN_CONSTRUCT,
            _("DOCTYPE and ENTITY declarations are not accepted in a declaration."),
        )
    if error.code == etree.ErrorTypes.ERR_RESOURCE_LIMIT:
        return _document_issue(
            IssueCode.TOO_LARGE,
            _("The XML exceeds a parser limit: %(detail)s") % {"detail": error.msg},
        )
    line, column = error.position
    return _document_issue(
        IssueCode.MALFORMED,
        _("Not well-formed XML at line %(line)s, column %(column)s: %(detail)s")
        % {"line": line, "column": column, "detail": error.msg},
    )


def _parse_counting(raw: bytes) -> etree._ElementTree | None:
    """Parse incrementally, giving up as soon as MAX_ELEMENTS elements have started.

    Used only when the cheap byte count cannot rule out a flood of tiny elements, so that
    such a document never gets built in memory. ``None`` means over the limit.
    """
    events = etree.iterparse(
        BytesIO(raw),
        events=("start",),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=False,
    )
    for count, _event in enumerate(events, start=1):
        if count > MAX_ELEMENTS:
            return None
    root = events.root
    return root.getroottree() if root is not None else None


def parse_xml_safely(
    raw: bytes, *, check_depth: bool = True
) -> tuple[etree._ElementTree | None, list[Issue]]:
    """Parse untrusted XML bytes into a tree, or explain why not.

    Returns ``(tree, [])`` or ``(None, [issue])``. Never raises for any input bytes;
    raises ``TypeError`` when given decoded text (a programming error: the bytes decide
    their encoding).
    Refused (with ``IssueCode``): empty or not well-formed input, unsupported encodings
    (MALFORMED); a DOCTYPE, entity declarations or processing instructions
    (FORBIDDEN_CONSTRUCT); more than MAX_BYTES, MAX_DEPTH levels or MAX_ELEMENTS elements
    (TOO_LARGE). Comments are dropped. The lxml parser resolves no entities, loads no DTD
    and never touches the network (project STYLE: lxml with an explicit parser).
    ``check_depth=False`` leaves out the MAX_DEPTH check: the caller must then run
    ``depth_issue`` before it recurses into the tree (``declaration_from_xml`` does).
    """
    if not isinstance(raw, bytes | bytearray | memoryview):
        raise TypeError("parse_xml_safely takes bytes, not decoded text")
    raw = bytes(raw)
    if len(raw) > MAX_BYTES:
        return None, [
            _document_issue(
                IssueCode.TOO_LARGE,
                _("The document is %(size)s bytes; the limit is %(limit)s bytes.")
                % {"size": len(raw), "limit": MAX_BYTES},
            )
        ]
    if not raw or raw.isspace():  # as "not raw.strip()", without copying the bytes
        return None, [_document_issue(IssueCode.MALFORMED, _("The document is empty."))]
    encoding = _declared_encoding(raw)
    if not _encoding_allowed(encoding):
        return None, [
            _document_issue(
                IssueCode.MALFORMED,
                _("The encoding %(encoding)s is not accepted; use UTF-8.") % {"encoding": encoding},
            )
        ]
    mismatch = _encoding_mismatch(raw, encoding)
    if mismatch is not None:
        return None, [mismatch]
    try:
        # Every element has a start tag with a "<" byte, so fewer "<" bytes than the limit
        # proves the element count is within it without any per-element Python work.
        if raw.count(b"<") <= MAX_ELEMENTS:
            tree = etree.fromstring(raw, _new_parser()).getroottree()
        else:
            tree = _parse_counting(raw)
            if tree is None:
                return None, [
                    _document_issue(
                        IssueCode.TOO_LARGE,
                        _("The document has more than %(limit)s elements.")
                        % {"limit": MAX_ELEMENTS},
                    )
                ]
    except etree.XMLSyntaxError as error:
        return None, [_syntax_issue(raw, error)]
    except (ValueError, LookupError) as error:
        # lxml raises ValueError / LookupError for some encoding mismatches.
        return None, [
            _document_issue(
                IssueCode.MALFORMED,
                _("Not readable XML: %(detail)s") % {"detail": str(error)},
            )
        ]
    issue = _forbidden(tree, raw) or (depth_issue(tree) if check_depth else None)
    return (None, [issue]) if issue else (tree, [])


def _may_hold_processing_instruction(tree: etree._ElementTree, raw: bytes) -> bool:
    """False when the bytes alone prove that the document has no processing instruction.

    In an ASCII-compatible encoding a processing instruction is the bytes ``<?``, and
    ``<`` cannot appear unescaped in text or attribute values; the only other ``<?`` the
    parser accepts is the XML declaration, at the very start. So no ``<?`` after that
    means none. Anything else (comments or CDATA holding ``<?``, UTF-16) is left to the
    C-level search.
    """
    encoding = tree.docinfo.encoding
    try:
        if not encoding or codecs.lookup(encoding).name not in _ASCII_COMPATIBLE:
            return True
    except LookupError:
        return True
    start = 3 if raw.startswith(codecs.BOM_UTF8) else 0
    # The XML declaration is "<?xml" and a blank: "<?xml-stylesheet" is an instruction.
    if raw.startswith(b"<?xml", start) and raw[start + 5 : start + 6] in _XML_BLANKS:
        start = raw.find(b"?>", start) + 2
    # No "?" at all is the cheapest proof (a byte search); else no "<?".
    return raw.find(b"?", start) != -1 and raw.find(b"<?", start) != -1


def depth_issue(tree: etree._ElementTree) -> Issue | None:
    """TOO_LARGE when an element is nested more than MAX_DEPTH levels deep, else None."""
    if _TOO_DEEP(tree):
        return _document_issue(
            IssueCode.TOO_LARGE,
            _("Elements are nested more than %(limit)s levels deep.") % {"limit": MAX_DEPTH},
        )
    return None


def _forbidden(tree: etree._ElementTree, raw: bytes) -> Issue | None:
    docinfo = tree.docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.system_url:
        return _document_issue(
            IssueCode.FORBIDDEN_CONSTRUCT,
            _("DOCTYPE and ENTITY declarations are not accepted in a declaration."),
        )
    if docinfo.encoding and not _encoding_allowed(docinfo.encoding):
        return _document_issue(
            IssueCode.MALFORMED,
            _("The encoding %(encoding)s is not accepted; use UTF-8.")
            % {"encoding": docinfo.encoding},
        )
    # The XML declaration is not a node; any processing instruction before or after the
    # root element, or inside it, is an instruction to some other software.
    if _may_hold_processing_instruction(tree, raw) and _HAS_PROCESSING_INSTRUCTION(tree):
        return _document_issue(
            IssueCode.FORBIDDEN_CONSTRUCT,
            _("Processing instructions are not accepted in a declaration."),
        )
    # The element count needs no check here: the fast path proved it from the bytes and
    # the counting path stopped at the limit.
    return None


def locate_declaration(tree: etree._ElementTree) -> tuple[etree._Element | None, list[Issue]]:
    """The element to read as the declaration, with issues about the document's kind.

    - ``md:MetaData`` root holding a ``Declaration`` (or nothing yet: the XSD will say
      what is missing): that root;
    - a bare ``Declaration`` root in the DEC-DMS namespace: that root (a global element of
      the submission schema);
    - a root that wraps exactly one such ``md:MetaData`` (a transport envelope such as a
      national gateway's submit request): the inner ``MetaData``, with an
      ``envelope_unwrapped`` warning: the envelope's own headers are not declaration data;
    - anything else (customs response notifications ``MetaData/Response``, inventory
      linking messages, reports, ...): ``None`` with a ``not_a_declaration`` error.
    """
    root = tree.getroot()
    tag = root.tag
    if tag == TAG_DECLARATION:
        return root, []
    if tag == TAG_METADATA and not _is_notification(root):
        return root, []
    if local_name(tag) == "MetaData" and _is_notification(root):
        return None, [
            _document_issue(
                IssueCode.NOT_A_DECLARATION,
                _(
                    "This is a customs response (MetaData/Response notification), "
                    "not a declaration."
                ),
            )
        ]
    inner = [
        element
        for element in root.iter(TAG_METADATA)
        if element is not root and element.find(TAG_DECLARATION) is not None
    ]
    if len(inner) == 1:
        return inner[0], [
            _document_issue(
                IssueCode.ENVELOPE_UNWRAPPED,
                _(
                    "The declaration was taken out of its %(envelope)s envelope; the "
                    "envelope's other content is not part of the declaration and was not kept."
                )
                % {"envelope": local_name(tag)},
                severity=Severity.WARNING,
            )
        ]
    if len(inner) > 1:
        message = _("The document holds %(count)s declarations; send one per message.") % {
            "count": len(inner)
        }
    else:
        namespace = namespace_of(tag)
        message = _(
            "The root element %(root)s is not a WCO declaration; expected MetaData in "
            "namespace %(namespace)s holding a Declaration."
        ) % {
            "root": f"{local_name(tag)} ({namespace})" if namespace else local_name(tag),
            "namespace": TAG_METADATA[1:].partition("}")[0],
        }
    return None, [_document_issue(IssueCode.NOT_A_DECLARATION, message)]


def _is_notification(metadata: etree._Element) -> bool:
    """A MetaData envelope carrying WCO Response elements (customs notifications)."""
    return any(
        isinstance(child.tag, str) and local_name(child.tag) == "Response" for child in metadata
    )


def parse_declaration_xml(raw: bytes, *, check_depth: bool = True) -> XmlParseResult:
    """Safely parse declaration XML and find the declaration in it.

    ``raw`` is the bytes as received (never decoded text; the document's own encoding
    declaration is honoured, UTF-8 BOM accepted). Returns an ``XmlParseResult``; its
    ``issues`` use MALFORMED / FORBIDDEN_CONSTRUCT / TOO_LARGE (see ``parse_xml_safely``),
    NOT_A_DECLARATION and ENVELOPE_UNWRAPPED (see ``locate_declaration``). Never raises
    for any bytes (``TypeError`` for text, as ``parse_xml_safely``).
    Structure is not checked here: that is the XSD's job (``schema_issues``).
    ``check_depth``: as for ``parse_xml_safely``.
    """
    tree, issues = parse_xml_safely(raw, check_depth=check_depth)
    if tree is None:
        return XmlParseResult(tree=None, root=None, issues=issues)
    root, kind_issues = locate_declaration(tree)
    return XmlParseResult(tree=tree, root=root, issues=kind_issues)
