"""Versioned code lists: which codes are in force on a given day.

A code list is data, not code. Each list is a folder under ``data/codelists/`` (sources in
``data/SOURCES.md``) with a ``list.json`` manifest::

    {
      "title": "Harmonized System subheadings (6 digits)",
      "complete": true,
      "versions": [
        {"version": "HS 2022", "effective_from": "2022-01-01", "effective_to": null,
         "files": [{"path": "../../hs2022.csv", "code": "hscode", "where": {"level": "6"},
                    "exclude": {"section": "TOTAL"}}]}
      ]
    }

- ``versions``: each with ISO dates ``effective_from`` / ``effective_to`` (inclusive; ``null``
  means open-ended). On a given day the version in force is the one with the latest
  ``effective_from`` not after that day (and not past its own ``effective_to``), so adding
  HS 2028 is adding a version with ``"effective_from": "2028-01-01"`` and its file.
- ``files``: ``.csv`` (header row; ``code`` names the column) or ``.json`` (an array of
  objects; ``code`` names the key), paths relative to the list's folder; ``where`` keeps only
  rows whose fields equal the given strings. Codes are stripped of spaces (including
  no-break spaces) and of a trailing ``#`` (an empty unit qualifier) or ``*`` (a footnote
  mark), the only decorations the copied HMRC files carry.
- ``complete``: ``true`` when a code outside the list is wrong (an error); ``false`` when the
  list is known to lack national codes, so an unknown code is only a warning.

Each list is read once per process (``functools.cache``); ISO 3166-1 countries and ISO 4217
currencies come from ``pycountry``, also once per process.
"""

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import pycountry

CODELISTS_DIR = Path(__file__).parent / "data" / "codelists"
MANIFEST = "list.json"


class CodeListError(Exception):
    """A code list folder or manifest is missing or malformed (a deployment fault)."""


@dataclass(frozen=True, slots=True)
class CodeListVersion:
    """One edition of a code list and the dates it is in force (inclusive, ``None`` = open)."""

    version: str
    effective_from: date | None
    effective_to: date | None
    codes: frozenset[str]

    def in_force_on(self, day: date) -> bool:
        return (self.effective_from is None or self.effective_from <= day) and (
            self.effective_to is None or day <= self.effective_to
        )


@dataclass(frozen=True, slots=True)
class CodeList:
    """A named code list with its versions, ordered by ``effective_from`` (open start first)."""

    name: str
    title: str
    complete: bool
    versions: tuple[CodeListVersion, ...]

    def version_on(self, day: date) -> CodeListVersion | None:
        """The version in force on ``day``: the latest to have started; ``None`` if none is."""
        for version in reversed(self.versions):
            if version.in_force_on(day):
                return version
        return None

    def codes_on(self, day: date) -> frozenset[str] | None:
        """The codes in force on ``day``, or ``None`` when no version of the list is."""
        version = self.version_on(day)
        return None if version is None else version.codes


def load_code_list(name: str, root: Path | None = None) -> CodeList:
    """The code list ``name`` from ``root`` (default ``CODELISTS_DIR``), read once per process.

    Raises ``CodeListError`` when the list is missing or its manifest is malformed.
    """
    return _load(name, root or CODELISTS_DIR)


@cache
def _load(name: str, root: Path) -> CodeList:
    folder = root / name
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        versions = [
            CodeListVersion(
                version=str(v["version"]),
                effective_from=_iso_date(v.get("effective_from")),
                effective_to=_iso_date(v.get("effective_to")),
                codes=frozenset(_read_codes(folder, v["files"])),
            )
            for v in manifest["versions"]
        ]
        title, complete = str(manifest["title"]), bool(manifest["complete"])
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise CodeListError(f"code list {name!r} in {root}: {exc}") from exc
    versions.sort(key=lambda v: v.effective_from or date.min)
    return CodeList(name=name, title=title, complete=complete, versions=tuple(versions))


def _iso_date(raw: str | None) -> date | None:
    return None if raw is None else date.fromisoformat(raw)


def _read_codes(folder: Path, files: list[dict]) -> Iterator[str]:
    for spec in files:
        path = folder / spec["path"]
        key, where, exclude = spec["code"], spec.get("where", {}), spec.get("exclude", {})
        if path.suffix == ".csv":
            with path.open(newline="", encoding="utf-8") as f:
                rows = list(csv.DictReader(f))
        else:
            rows = json.loads(path.read_text(encoding="utf-8"))
        for row in rows:
            if (
                row.get(key)
                and all(row.get(k) == v for k, v in where.items())
                and not any(row.get(k) == v for k, v in exclude.items())
            ):
                code = clean_code(str(row[key]))
                if code:
                    yield code


@cache
def code_prefixes(codes: frozenset[str], length: int = 2) -> frozenset[str]:
    """The first ``length`` characters of every code (e.g. the country prefixes of an
    office list), computed once per list version: the lists have thousands of codes and
    the rules ask for every declaration."""
    return frozenset(code[:length] for code in codes)


@cache
def codes_by_prefix(codes: frozenset[str], length: int) -> dict[str, tuple[str, ...]]:
    """The codes of a list grouped by their first ``length`` characters, each group
    sorted; computed once per list version. Read only: the dict is shared."""
    groups: dict[str, list[str]] = {}
    for code in codes:
        groups.setdefault(code[:length], []).append(code)
    return {prefix: tuple(sorted(group)) for prefix, group in groups.items()}


def clean_code(raw: str) -> str:
    """A code as listed, without spaces, no-break spaces, or trailing ``#``/``*`` marks."""
    return raw.replace("\u00a0", " ").strip().rstrip("#*").strip()


@cache
def iso_countries() -> frozenset[str]:
    """ISO 3166-1 alpha-2 country codes (``pycountry``)."""
    return frozenset(c.alpha_2 for c in pycountry.countries)


# ISO 4217 codes that are not a currency an amount can be paid in: "no currency" (XXX),
# testing (XTS), precious metals (XAU, XAG, XPD, XPT) and the bond-market units (XBA-XBD).
NOT_MONEY = frozenset({"XXX", "XTS", "XAU", "XAG", "XPD", "XPT", "XBA", "XBB", "XBC", "XBD"})


@cache
def iso_currencies() -> frozenset[str]:
    """ISO 4217 alphabetic currency codes (``pycountry``) an amount can be declared in:
    the list less ``NOT_MONEY``."""
    return frozenset(c.alpha_3 for c in pycountry.currencies) - NOT_MONEY
