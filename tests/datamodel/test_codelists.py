"""Versioned code lists: the loader, the choice of version by date, and the product's lists."""

import json
from datetime import date
from pathlib import Path

import pytest

from datamodel import IssueCode, validate_declaration
from datamodel import codelists as codelists_module
from datamodel.codelists import (
    CODELISTS_DIR,
    CodeListError,
    clean_code,
    iso_countries,
    iso_currencies,
    load_code_list,
)
from tests.factories import valid_document

PRODUCT_LISTS = sorted(p.parent.name for p in CODELISTS_DIR.glob("*/list.json"))


def write_list(root: Path, name: str, versions: list[dict], complete: bool = True) -> None:
    """A code list folder: each version as {"version", "from", "to", "codes"}."""
    folder = root / name
    folder.mkdir(parents=True)
    manifest_versions = []
    for v in versions:
        file = f"{v['version']}.csv"
        (folder / file).write_text(
            "code,description\n" + "".join(f"{c},x\n" for c in v["codes"]), encoding="utf-8"
        )
        manifest_versions.append(
            {
                "version": v["version"],
                "effective_from": v.get("from"),
                "effective_to": v.get("to"),
                "files": [{"path": file, "code": "code"}],
            }
        )
    manifest = {"title": name, "complete": complete, "versions": manifest_versions}
    (folder / "list.json").write_text(json.dumps(manifest), encoding="utf-8")


# -- the product's lists ---------------------------------------------------------------------


def test_the_product_has_its_code_lists():
    assert set(PRODUCT_LISTS) >= {
        "hs",
        "incoterms",
        "delivery-terms",
        "countries",
        "procedure-codes",
        "additional-procedure-codes",
        "document-codes",
        "package-types",
        "units",
        "customs-offices",
        "exit-offices",
        "goods-locations",
        "declaration-types",
        "additional-declaration-types",
    }


@pytest.mark.parametrize("name", PRODUCT_LISTS)
def test_every_product_list_has_codes_in_force_today(name):
    codes = load_code_list(name).codes_on(date.today())
    assert codes, f"{name} has no codes in force"
    assert all(code == clean_code(code) and code for code in codes)


def test_hs_2022_holds_6_digit_subheadings_only():
    codes = load_code_list("hs").codes_on(date(2026, 6, 1))
    assert "090121" in codes
    assert "0901" not in codes  # headings are not subheadings
    assert "999999" not in codes  # UN Comtrade's "not specified", not an HS code
    assert all(len(code) == 6 and code.isdigit() for code in codes)


def test_hs_2022_is_not_in_force_before_2022():
    assert load_code_list("hs").codes_on(date(2021, 12, 31)) is None


def test_incoterms_2020_are_the_eleven_rules():
    codes = load_code_list("incoterms").codes_on(date(2026, 6, 1))
    assert codes == {"EXW", "FCA", "CPT", "CIP", "DAP", "DPU", "DDP", "FAS", "FOB", "CFR", "CIF"}


def test_incomplete_lists_are_marked():
    assert not load_code_list("additional-procedure-codes").complete
    assert not load_code_list("document-codes").complete
    assert not load_code_list("goods-locations").complete
    assert load_code_list("procedure-codes").complete


def test_unit_list_reads_hmrc_qualified_units():
    units = load_code_list("units").codes_on(date(2026, 6, 1))
    assert {"KGM", "KGM#G", "NAR", "GBP", "RET", "KTC"} <= units


def test_iso_lists_come_from_pycountry():
    assert {"DE", "GB", "BR"} <= iso_countries()
    assert "ZU" not in iso_countries()
    assert {"EUR", "GBP", "JPY"} <= iso_currencies()


def test_each_list_is_read_once():
    assert load_code_list("hs") is load_code_list("hs")


# -- the loader ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [("KGM#\u00a0", "KGM"), ("GBP*#\u00a0", "GBP"), (" BX ", "BX"), ("RET#", "RET")],
)
def test_codes_lose_the_decorations_of_the_copied_files(raw, clean):
    assert clean_code(raw) == clean


def test_version_in_force_is_the_latest_started(tmp_path):
    # given a list with an open-ended 2022 version and a 2028 version
    write_list(
        tmp_path,
        "hs",
        [
            {"version": "HS2028", "from": "2028-01-01", "codes": ["111111"]},
            {"version": "HS2022", "from": "2022-01-01", "codes": ["090121"]},
        ],
    )
    codes = load_code_list("hs", tmp_path)
    # then each day sees the version in force on it
    assert codes.version_on(date(2021, 12, 31)) is None
    assert codes.version_on(date(2022, 1, 1)).version == "HS2022"
    assert codes.codes_on(date(2027, 12, 31)) == {"090121"}
    assert codes.version_on(date(2028, 1, 1)).version == "HS2028"
    assert codes.codes_on(date(2030, 6, 1)) == {"111111"}


def test_version_with_an_end_date_stops(tmp_path):
    write_list(
        tmp_path, "trial", [{"version": "v1", "from": None, "to": "2025-12-31", "codes": ["A"]}]
    )
    codes = load_code_list("trial", tmp_path)
    assert codes.codes_on(date(1990, 1, 1)) == {"A"}
    assert codes.codes_on(date(2025, 12, 31)) == {"A"}
    assert codes.codes_on(date(2026, 1, 1)) is None


def test_json_files_where_and_exclude(tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "a.json").write_text(
        json.dumps(
            [{"value": "X1", "kind": "keep"}, {"value": "X2", "kind": "drop"}, {"value": ""}]
        )
    )
    (folder / "b.csv").write_text("code,section\nY1,ok\nY2,TOTAL\n")
    (folder / "list.json").write_text(
        json.dumps(
            {
                "title": "mixed",
                "complete": False,
                "versions": [
                    {
                        "version": "1",
                        "effective_from": None,
                        "files": [
                            {"path": "a.json", "code": "value", "where": {"kind": "keep"}},
                            {"path": "b.csv", "code": "code", "exclude": {"section": "TOTAL"}},
                        ],
                    }
                ],
            }
        )
    )
    codes = load_code_list("mixed", tmp_path)
    assert codes.codes_on(date(2026, 1, 1)) == {"X1", "Y1"}
    assert not codes.complete


def test_missing_list_is_an_error(tmp_path):
    with pytest.raises(CodeListError):
        load_code_list("nowhere", tmp_path)


def test_malformed_manifest_is_an_error(tmp_path):
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "list.json").write_text('{"title": "bad", "versions": [{}]}')
    with pytest.raises(CodeListError):
        load_code_list("bad", tmp_path)


# -- HS 2028: a new version is data --------------------------------------------------------


@pytest.fixture
def hs_2028_data(tmp_path, monkeypatch) -> Path:
    """The product's code lists, but an ``hs`` list with a test HS 2028 version (codes made
    up for the test: HS 2028 content is not invented in the product)."""
    for folder in CODELISTS_DIR.iterdir():
        if folder.is_dir() and folder.name != "hs":
            (tmp_path / folder.name).symlink_to(folder)
    write_list(
        tmp_path,
        "hs",
        [
            {"version": "HS 2022", "from": "2022-01-01", "codes": ["090121", "300490"]},
            {"version": "HS 2028 (test)", "from": "2028-01-01", "codes": ["090122", "300490"]},
        ],
    )
    monkeypatch.setattr(codelists_module, "CODELISTS_DIR", tmp_path)
    return tmp_path


def _hs_issues(code: str, day: date) -> list:
    doc = valid_document()
    item = doc["Declaration"]["GoodsShipment"]["GovernmentAgencyGoodsItem"][0]
    item["Commodity"]["Classification"] = [{"ID": code, "IdentificationTypeCode": "HS"}]
    result = validate_declaration(doc, today=day)
    return [i for i in result.issues if i.code == IssueCode.UNKNOWN_HS_CODE]


def test_hs_2028_version_is_picked_from_2028(hs_2028_data):
    # a code only in the 2028 version: refused in 2027, accepted from 2028-01-01
    assert len(_hs_issues("09012200", date(2027, 12, 31))) == 1
    assert _hs_issues("09012200", date(2028, 1, 1)) == []
    # a code HS 2028 dropped: accepted in 2027, refused from 2028-01-01
    assert _hs_issues("090121", date(2027, 12, 31)) == []
    assert len(_hs_issues("090121", date(2028, 1, 1))) == 1
