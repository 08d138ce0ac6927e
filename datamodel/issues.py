"""The one error format of the validation layer.

Every problem found in a declaration, whether it came in as JSON, WCO DM XML or the
browser form, is an ``Issue``:

- ``code``: stable machine code from ``IssueCode`` (never reworded, never reused);
- ``severity``: ``error`` (the declaration is refused) or ``warning`` (accepted, shown);
- ``pointer``: the WCO error pointer customs administrations use: class IDs and data
  element IDs joined by ``/``, with a 1-based ``[n]`` index on repeatable classes, e.g.
  ``42A/67A/68A[1]/23A/65A/128`` = net mass (128) of goods item 1 (WCO DM 3.6 IDs, as listed
  in the DEC-DMS 2.15 dictionary);
- ``path``: RFC 6901 JSON pointer to the same field of the canonical JSON document, e.g.
  ``/Declaration/GoodsShipment/GovernmentAgencyGoodsItem/0/Commodity/GoodsMeasure/NetNetWeightMeasure``;
- ``message``: human text, marked for translation.
"""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class IssueCode(StrEnum):
    """Stable codes of the validation layer. Add new members; never rename one."""

    # Input that is not a declaration at all.
    MALFORMED = "malformed"  # not JSON / not well-formed XML / wrong top-level shape
    FORBIDDEN_CONSTRUCT = "forbidden_construct"  # DTD, entity, processing instruction
    TOO_LARGE = "too_large"  # size, depth or element count over the limit
    NOT_A_DECLARATION = "not_a_declaration"  # well-formed, but a notification or other message
    ENVELOPE_UNWRAPPED = "envelope_unwrapped"  # warning: transport envelope around MetaData dropped
    ENCODING_MISMATCH = "encoding_mismatch"  # XML bytes in another encoding than declared
    WRONG_NAMESPACE = "wrong_namespace"  # an element of the declaration in another namespace
    # Stage 1: structure and formats (the XSD facts).
    REQUIRED = "required"  # mandatory element missing (minOccurs, or its category needs it)
    NOT_ALLOWED = "not_allowed"  # element present that its declaration category does not use
    UNKNOWN_ELEMENT = "unknown_element"  # element not in the WCO DM declaration
    TOO_MANY = "too_many"  # more occurrences than maxOccurs
    NOT_A_LIST = "not_a_list"  # a repeatable element must be a JSON array
    WRONG_TYPE = "wrong_type"  # object where a value is expected or the reverse
    TOO_LONG = "too_long"  # an..35 and the like
    BAD_FORMAT = "bad_format"  # pattern / n..16,3 / date format
    # Stage 2: code lists.
    UNKNOWN_CODE = "unknown_code"  # value not in its code list (generic)
    UNKNOWN_COUNTRY = "unknown_country"  # ISO 3166-1 alpha-2
    UNKNOWN_CURRENCY = "unknown_currency"  # ISO 4217
    UNKNOWN_HS_CODE = "unknown_hs_code"  # HS 2022 6-digit subheading not in force
    BAD_HS_CODE = "bad_hs_code"  # not 6, 8 or 10 digits
    UNKNOWN_INCOTERM = "unknown_incoterm"  # Incoterms 2020
    WRONG_UNIT = "wrong_unit"  # a unit the field does not allow (masses are in KGM)
    # Lodging: the portal takes original declarations (WCO 017 = 9) as new declarations;
    # amendments (13) and cancellations (14) act on a lodged one.
    NOT_AN_ORIGINAL = "not_an_original"
    # Lodging: the declarant (WCO DM R123 Declarant/ID, UCC Annex B DE 3/17-3/18) is the
    # economic operator who lodges, i.e. the logged-in trader's company; a representative
    # lodges in its own name and names the party it represents (Agent/FunctionCode, DE 3/21).
    DECLARANT_NOT_SUBMITTER = "declarant_not_submitter"
    # Stage 2: business rules.
    BAD_LRN = "bad_lrn"
    BAD_EORI = "bad_eori"  # a party identifier that is an EORI number, not in its format
    DUPLICATE_LRN = "duplicate_lrn"
    NOT_POSITIVE = "not_positive"  # masses, quantities, amounts > 0
    GROSS_BELOW_NET = "gross_below_net"
    VALUE_MISMATCH = "value_mismatch"  # sum of item values vs invoice amount
    CURRENCY_MISMATCH = "currency_mismatch"
    CURRENCY_MISSING = "currency_missing"
    ITEM_COUNT_MISMATCH = "item_count_mismatch"
    SEQUENCE_GAP = "sequence_gap"
    DATE_IN_FUTURE = "date_in_future"
    NO_GOODS_ITEMS = "no_goods_items"


@dataclass(frozen=True, slots=True)
class Issue:
    """One finding about one field. See the module docstring for the meaning of each part."""

    code: IssueCode
    pointer: str
    path: str
    message: str
    severity: Severity = Severity.ERROR

    def as_dict(self) -> dict[str, str]:
        """The API shape: ``{"code", "severity", "pointer", "path", "message"}``."""
        return {
            "code": str(self.code),
            "severity": str(self.severity),
            "pointer": self.pointer,
            "path": self.path,
            "message": str(self.message),
        }


@dataclass(slots=True)
class ValidationResult:
    """What the layer returns: the canonical document (or ``None`` when unusable) and issues.

    ``ok`` is true when no issue has severity ``error``.
    """

    document: dict[str, Any] | None
    issues: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.document is not None and not any(
            i.severity == Severity.ERROR for i in self.issues
        )

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == Severity.ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == Severity.WARNING]
