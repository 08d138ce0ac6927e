"""``manage.py check_declaration``: the same validation as a submission, from files."""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from datamodel.xmlio import declaration_to_xml
from tests.factories import valid_document

SAMPLE = Path(__file__).resolve().parents[3] / "shared/wcodm/samples/TT_IM001a/Step1_TT_IM001a.xml"
NOTIFICATION = SAMPLE.parent / "Example_Notifications"


def run(*args: str) -> tuple[list[str], int]:
    """The command's output lines and its exit status."""
    out = StringIO()
    try:
        call_command("check_declaration", *args, stdout=out)
        status = 0
    except CommandError as error:
        status = error.returncode
    return out.getvalue().splitlines(), status


@pytest.fixture
def valid_xml(tmp_path: Path) -> Path:
    path = tmp_path / "valid.xml"
    path.write_bytes(declaration_to_xml(valid_document()))
    return path


@pytest.fixture
def too_long_xml(tmp_path: Path) -> Path:
    path = tmp_path / "too-long.xml"
    path.write_bytes(declaration_to_xml(valid_document()).replace(b"LRN-2026-000001", b"L" * 36))
    return path


def test_a_valid_xml_file_is_ok(valid_xml: Path) -> None:
    assert run(str(valid_xml)) == ([f"{valid_xml}: ok"], 0)


def test_issues_are_printed_one_per_line_and_the_status_is_1(too_long_xml: Path) -> None:
    lines, status = run(str(too_long_xml))

    assert status == 1
    assert lines == [
        f"{too_long_xml}: error too_long 42A/D026 /Declaration/FunctionalReferenceID "
        "FunctionalReferenceID: [facet 'maxLength'] The value has a length of '36'; this "
        "exceeds the allowed maximum length of '35'."
    ]


def test_json_files_are_recognised_by_their_content(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(json.dumps(valid_document()))
    bad = tmp_path / "bad.data"
    bad.write_text(json.dumps({"Declaration": {"FunctionCode": "9", "Colour": "red"}}))

    lines, status = run(str(good), str(bad))

    assert status == 1
    assert lines[0] == f"{good}: ok"
    assert any(
        line.startswith(f"{bad}: error unknown_element 42A/Colour /Declaration/Colour ")
        for line in lines
    )


def test_every_file_is_reported_even_after_a_failure(
    too_long_xml: Path, valid_xml: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "missing.xml"

    lines, status = run(str(too_long_xml), str(missing), str(valid_xml))

    assert status == 1
    assert lines[-1] == f"{valid_xml}: ok"
    assert any(line.startswith(f"{missing}: error malformed - - cannot read") for line in lines)


def test_notifications_are_not_declarations() -> None:
    notification = next(p for p in sorted(NOTIFICATION.iterdir()) if p.suffix == ".xml")

    lines, status = run(str(notification))

    assert status == 1
    assert lines[0].startswith(f"{notification}: error not_a_declaration - - ")


def test_roundtrip_of_a_sample_reports_schema_validity_and_no_loss() -> None:
    lines, status = run(str(SAMPLE), "--roundtrip")

    assert (lines, status) == (
        [
            f"{SAMPLE}: ok",
            f"{SAMPLE}: roundtrip: exported XML is schema-valid",
            f"{SAMPLE}: roundtrip: no data element lost or changed",
        ],
        0,
    )


def test_roundtrip_of_json(tmp_path: Path) -> None:
    path = tmp_path / "declaration.json"
    path.write_text(json.dumps(valid_document()))

    lines, status = run(str(path), "--roundtrip")

    assert status == 0
    assert f"{path}: roundtrip: exported XML is schema-valid" in lines
    assert f"{path}: roundtrip: no data element lost or changed" in lines


def test_the_exit_status_of_the_real_command(too_long_xml: Path, valid_xml: Path) -> None:
    manage = Path(settings.BASE_DIR) / "manage.py"

    ok = subprocess.run([sys.executable, manage, "check_declaration", valid_xml], check=False)
    bad = subprocess.run(
        [sys.executable, manage, "check_declaration", too_long_xml],
        check=False,
        capture_output=True,
    )

    assert ok.returncode == 0
    assert bad.returncode == 1
