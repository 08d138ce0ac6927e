"""WCO DEC-DMS 2.15 XML in and out of the canonical JSON document.

Public API:

- ``declaration_from_xml(raw, *, today=None, lrn_taken=None) -> ValidationResult``: the
  import path (safe parse -> XSD -> canonical dict -> ``datamodel.validate_declaration``);
- ``declaration_to_xml(document) -> bytes``: the export (MetaData envelope, UTF-8);
- ``parse_declaration_xml(raw) -> XmlParseResult``: safe parse only, finds the declaration;
- ``schema_issues(root) -> list[Issue]``: XSD validation of a parsed declaration;
- ``document_from_xml_tree(root) -> dict``: conversion of a parsed declaration;
- ``compare_declarations(original, exported) -> list[Difference]``: data-level comparison.

``datamodel`` knows nothing of HTTP or Celery (see STYLE.md): bytes in, document and issues
out.
"""

from .compare import Difference, compare_declarations
from .importing import declaration_from_xml
from .parsing import MAX_BYTES, MAX_DEPTH, MAX_ELEMENTS, XmlParseResult, parse_declaration_xml
from .reading import document_from_xml_tree
from .schema import declaration_schema, schema_issues
from .writing import declaration_to_xml

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_ELEMENTS",
    "Difference",
    "XmlParseResult",
    "compare_declarations",
    "declaration_from_xml",
    "declaration_schema",
    "declaration_to_xml",
    "document_from_xml_tree",
    "parse_declaration_xml",
    "schema_issues",
]
