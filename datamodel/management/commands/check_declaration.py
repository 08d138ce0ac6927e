"""``python manage.py check_declaration FILE... [--roundtrip]``: validate declaration files.

Each file is XML (WCO DEC-DMS 2.15) or JSON (the canonical document), told apart by its
content, and goes through the same validation as a submission: ``declaration_from_xml`` or
``validate_declaration``. Each issue is printed as ``FILE: severity code pointer path
message`` (``-`` for an empty pointer or path); a file without errors as ``FILE: ok``.

``--roundtrip`` also exports the imported document to XML and reports whether that XML is
schema-valid and what it lost or changed: for XML input, every data element compared with
the original (``compare_declarations``); for JSON input, the document read back from the
exported XML compared with the validated one.

Exit status 0 only when every file is valid (and, with ``--roundtrip``, round-trips
without loss into schema-valid XML); 1 otherwise.
"""

import codecs
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from datamodel import validate_declaration
from datamodel.issues import Issue, IssueCode, ValidationResult
from datamodel.xmlio import (
    compare_declarations,
    declaration_from_xml,
    declaration_to_xml,
    document_from_xml_tree,
    parse_declaration_xml,
    schema_issues,
)
from datamodel.xmlio.names import DEFAULT_METADATA
from datamodel.xmlio.parsing import MAX_BYTES


def looks_like_json(raw: bytes) -> bool:
    """True when the first significant character is ``{`` or ``[`` (UTF-8/16/32 alike)."""
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if raw.startswith(bom):
            head = raw[len(bom) : len(bom) + 64].decode(encoding, errors="ignore")
            break
    else:
        head = raw[:64].replace(b"\x00", b"").decode("latin-1")
    stripped = head.lstrip()
    return stripped[:1] in ("{", "[")


def _issue(code: IssueCode, message: str) -> Issue:
    return Issue(code=code, pointer="", path="", message=message)


def validate_json_bytes(raw: bytes) -> ValidationResult:
    """Parse JSON bytes and run ``datamodel.validate_declaration`` on them."""
    if len(raw) > MAX_BYTES:
        return ValidationResult(None, [_issue(IssueCode.TOO_LARGE, "The file is too large.")])
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as error:
        return ValidationResult(None, [_issue(IssueCode.MALFORMED, f"Not JSON: {error}")])
    return validate_declaration(data)


class Command(BaseCommand):
    help = "Validate declaration files (WCO DEC-DMS XML or canonical JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parser.add_argument(
            "--roundtrip",
            action="store_true",
            help="also export to XML, check it against the schema and compare with the input",
        )

    def handle(self, *args: Any, files: list[Path], roundtrip: bool, **options: Any) -> None:
        failed = sum(0 if self.check_file(path, roundtrip) else 1 for path in files)
        if failed:
            raise CommandError(f"{failed} of {len(files)} file(s) did not pass", returncode=1)

    def say(self, path: Path, text: str) -> None:
        self.stdout.write(f"{path}: {text}")

    def check_file(self, path: Path, roundtrip: bool) -> bool:
        try:
            raw = path.read_bytes()
        except OSError as error:
            self.say(path, f"error {IssueCode.MALFORMED} - - cannot read the file: {error}")
            return False
        is_json = looks_like_json(raw)
        result = validate_json_bytes(raw) if is_json else declaration_from_xml(raw)
        for issue in result.issues:
            self.say(
                path,
                f"{issue.severity} {issue.code} {issue.pointer or '-'} {issue.path or '-'} "
                f"{issue.message}",
            )
        passed = result.ok
        if passed:
            self.say(path, "ok")
        if roundtrip and result.document is not None:
            passed = self.check_roundtrip(path, raw, result.document, is_json) and passed
        return passed

    def check_roundtrip(
        self, path: Path, raw: bytes, document: dict[str, Any], is_json: bool
    ) -> bool:
        try:
            exported = declaration_to_xml(document)
        except ValueError as error:
            self.say(path, f"roundtrip: cannot export: {error}")
            return False
        parsed = parse_declaration_xml(exported)
        assert parsed.root is not None, parsed.issues  # our own output parses
        xsd = schema_issues(parsed.root)
        if xsd:
            self.say(path, "roundtrip: exported XML is NOT schema-valid")
            for issue in xsd:
                self.say(path, f"roundtrip: {issue.code} {issue.pointer} {issue.message}")
        else:
            self.say(path, "roundtrip: exported XML is schema-valid")
        if is_json:
            back = document_from_xml_tree(parsed.root)
            if "MetaData" not in document and back.get("MetaData") == DEFAULT_METADATA:
                del back["MetaData"]  # the export's default envelope, not a change
            changes = list(_dict_differences(document, back, ""))
        else:
            changes = [str(difference) for difference in compare_declarations(raw, exported)]
        for change in changes:
            self.say(path, f"roundtrip: {change}")
        if not changes:
            self.say(path, "roundtrip: no data element lost or changed")
        return not xsd and not changes


def _dict_differences(before: Any, after: Any, path: str) -> list[str]:
    """JSON paths where two canonical documents differ (for the JSON round trip)."""
    if isinstance(before, dict) and isinstance(after, dict):
        out: list[str] = []
        for key in before.keys() | after.keys():
            if key not in after:
                out.append(f"lost {path}/{key}")
            elif key not in before:
                out.append(f"added {path}/{key}")
            else:
                out.extend(_dict_differences(before[key], after[key], f"{path}/{key}"))
        return out
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        return [
            change
            for index, (left, right) in enumerate(zip(before, after, strict=True))
            for change in _dict_differences(left, right, f"{path}/{index}")
        ]
    return [] if before == after else [f"changed {path}: {before!r} -> {after!r}"]
