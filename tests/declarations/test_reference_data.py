"""The schemas and code lists load when the process starts (``DeclarationsConfig.ready``),
and a missing or broken file stops it with a message naming the file."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from datamodel import codelists
from datamodel.codelists import _load
from datamodel.xmlio import schema
from declarations.reference_data import reference_data_load


@pytest.fixture
def fresh_schema_cache(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The schema is rebuilt from whatever file is configured, and from the real one after
    the test (its patches undone first)."""
    schema.declaration_schema.cache_clear()
    yield
    monkeypatch.undo()
    schema.declaration_schema.cache_clear()
    schema.declaration_schema()


def test_the_reference_data_is_loaded_at_start_up() -> None:
    # The test process started Django: everything is already in memory
    assert schema.declaration_schema.cache_info().currsize == 1
    assert _load.cache_info().currsize >= 14


def test_a_broken_schema_stops_the_start_with_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_schema_cache: None
) -> None:
    broken = tmp_path / "wrapper_submit.xsd"
    broken.write_text("<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema'><oops")
    monkeypatch.setattr(schema, "SUBMIT_SCHEMA", broken)

    with pytest.raises(ImproperlyConfigured, match=r"WCO DM schema .*wrapper_submit\.xsd"):
        reference_data_load()


def test_a_missing_code_list_stops_the_start_with_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(codelists, "CODELISTS_DIR", tmp_path)

    with pytest.raises(ImproperlyConfigured, match=r"code list 'additional-declaration-types'"):
        reference_data_load()
