"""Stage 1 of declaration validation: structure and formats (the XSD facts), and normalisation.

``check_structure(data)`` walks an untrusted, parsed JSON value against
``datamodel.dictionary.declaration_spec()`` and returns the canonical document, the issues
found and what stage 2 (``datamodel.rules``) needs. It never raises on bad input. The entry
point for callers is ``datamodel.validate_declaration``, which runs both stages.

What stage 1 checks (source: the DEC-DMS 2.15 schema, via the element dictionary):

- the top level is ``{"Declaration": {...}}`` with an optional ``"MetaData"`` object of
  strings (the envelope, kept as given, stripped); a field that carries XML attributes is
  ``{"value": text, attribute: text}``, with the attributes the MetaData schema allows on
  that field (``languageID``, ``listID``...; others are ``UNKNOWN_ELEMENT``); anything else
  is ``MALFORMED`` or ``UNKNOWN_ELEMENT``;
- element names (``UNKNOWN_ELEMENT``), ``minOccurs`` (``REQUIRED``), ``maxOccurs``
  (``TOO_MANY``, pointed at the first entry too many), objects vs values (``WRONG_TYPE``);
- the XML attributes of texts, codes and IDs (``{"value": text, attribute: text}``): those
  the leaf's schema type allows (``ElementSpec.allowed_attributes``: ``languageID``,
  ``listID``, ``listAgencyID``, ``schemeID``...; others are ``UNKNOWN_ELEMENT`` at the
  attribute), each against its type: ``xs:language``, ``xs:anyURI``, the agency code's
  ``maxLength`` 3 (``TOO_LONG``, ``BAD_FORMAT``), at most ``MAX_ATTRIBUTE_LENGTH``
  characters where the type sets no limit; the value as in the bare form;
- leaf facets: ``maxLength`` (``TOO_LONG``), ``length``, ``pattern``, ``enumeration``,
  ``totalDigits``/``fractionDigits`` of decimals, the date-time pattern
  ``CCYYMMDD[HHMMSS(Z|+hh|-hh)]`` with ``formatCode`` 102/304, a 3-letter ``currencyID``,
  a 1-5 character ``unitCode`` (all ``BAD_FORMAT``); control characters and lone surrogates
  in text (``BAD_FORMAT``: XML cannot carry them).

Normalisation (the canonical form, see ``datamodel.dictionary``):

- keys in schema order; strings stripped; code values (xs:token) with inner runs of blanks
  folded to one space; country, currency and Incoterms codes, ``currencyID`` and
  ``unitCode`` upper-cased (their code lists are upper-case);
- decimals as canonical decimal strings: no exponent, no leading or trailing zeros, no
  ``-0`` (``"0012.500"`` -> ``"12.5"``); JSON numbers are accepted for decimals (amounts,
  measures, quantities, numerics), but not when written with an exponent (``1e3``:
  ``BAD_FORMAT``, see ``datamodel.text.ExponentDecimal``); a code, ID or text sent as a JSON
  number is refused (``WRONG_TYPE``: ``0101`` sent as a number would arrive as ``101``);
  booleans never;
- texts (values and attributes) in Unicode NFC before any check, so lengths count composed
  characters; C0/C1 control characters refused (``datamodel.text``, the one rule every
  channel applies, drafts included through ``datamodel.draft_document``);
- amounts, measures, quantities and date-times are always ``{"value": ..., attr}`` objects;
  a bare value is accepted and wrapped; a date-time without ``formatCode`` gets the one its
  length implies (8 digits: ``102``, else ``304``);
- a text, code or ID with attributes is ``{"value": ..., attributes...}`` with the
  attributes stripped, in schema order, blank ones left out; one left without any is its
  plain value again (so the usual leaf stays a string). An object with ``"value"`` alone is
  not a leaf form (``WRONG_TYPE``): the object form is for a leaf that carries attributes.

Decisions (documented here because callers rely on them):

- ``null``, ``""`` and blank strings count as absent (browser forms post empty fields);
- a single object given for a repeatable element is accepted and wrapped in a one-element
  list, with a ``NOT_A_LIST`` *warning*; an empty list counts as absent;
- an entry of a list that is not an object is reported (``WRONG_TYPE``) and kept as ``{}``
  so that list indexes in issue paths stay those of the input;
- text that fails a format check is kept (stripped) so a form can show it again; values of
  the wrong type (an object for a code, NaN for a mass) are dropped from the document;
- at most ``MAX_ISSUES`` issues are listed, and a document of more than ``MAX_NODES``
  elements is refused (``TOO_LARGE``): validation time stays bounded whatever comes in.
"""

from datamodel.validation.base import (
    MAX_ATTRIBUTE_LENGTH,
    MAX_ISSUES,
    MAX_METADATA_LENGTH,
    MAX_NODES,
    UPPERCASE_IDS,
    Leaf,
    Parts,
    Structure,
    canonical_decimal,
    issue_at,
    label,
    message,
    parse_datetime,
)
from datamodel.validation.leaves import (
    is_any_uri,
    kind_leaf_check,
    kind_leaf_parts_check,
    text_leaf_attributes_check,
    text_leaf_check,
    text_leaf_object_check,
    watch_keys,
)
from datamodel.validation.metadata import check_metadata
from datamodel.validation.walk import check_structure

__all__ = [
    "MAX_ATTRIBUTE_LENGTH",
    "MAX_ISSUES",
    "MAX_METADATA_LENGTH",
    "MAX_NODES",
    "UPPERCASE_IDS",
    "Leaf",
    "Parts",
    "Structure",
    "canonical_decimal",
    "check_metadata",
    "check_structure",
    "is_any_uri",
    "issue_at",
    "kind_leaf_check",
    "kind_leaf_parts_check",
    "label",
    "message",
    "parse_datetime",
    "text_leaf_attributes_check",
    "text_leaf_check",
    "text_leaf_object_check",
    "watch_keys",
]
