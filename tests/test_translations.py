"""The French and Simplified Chinese catalogues are complete, consistent and in use.

Each ``locale/<lang>/LC_MESSAGES/django.po`` must have every entry translated and none fuzzy
(GNU gettext manual, "Fuzzy Entries"), keep the placeholders of its msgid (``%(name)s``,
also what ``{% blocktranslate %}`` turns ``{{ var }}`` into), give as many plural forms as its
``Plural-Forms`` header says, and ship a compiled ``django.mo`` that matches it (the embedded
demo runs without gettext installed). Pages fetched with the language cookie render in that
language.
"""

import ast
import gettext
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.factories import PASSWORD

LOCALE = Path(settings.LOCALE_PATHS[0])
CATALOGUES = {
    "fr": LOCALE / "fr/LC_MESSAGES/django.po",
    "zh-hans": LOCALE / "zh_Hans/LC_MESSAGES/django.po",
}
# printf-style placeholders Python's % operator reads, and str.format fields.
PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdifeEgGxXr]|%[sdif]|\{[A-Za-z_]\w*\}")


@dataclass
class Entry:
    """One message of a .po file: msgctxt, msgid, msgid_plural, msgstr forms and flags."""

    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0


def read_po(path: Path) -> list[Entry]:
    """The non-obsolete entries of a .po file, header first (GNU gettext PO file format)."""
    entries: list[Entry] = []
    entry, target = None, None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            entry, target = None, None
            continue
        if line.startswith("#~"):
            continue
        if entry is None:
            entry = Entry(line=number)
            entries.append(entry)
        if line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            text = ast.literal_eval(line)
            if isinstance(target, int):
                entry.msgstr[target] += text
            else:
                setattr(entry, target, getattr(entry, target) + text)
        else:
            keyword, value = line.split(" ", 1)
            text = ast.literal_eval(value)
            if keyword.startswith("msgstr"):
                target = int(keyword[7:-1]) if "[" in keyword else 0
                entry.msgstr[target] = text
            else:
                target = keyword
                setattr(entry, keyword, text)
    return entries


def nplurals(header: Entry) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", header.msgstr[0])
    assert match, "the header has no Plural-Forms"
    return int(match.group(1))


def label(entry: Entry) -> str:
    return f"line {entry.line}: {entry.msgid[:60]!r}"


@pytest.mark.parametrize("language", CATALOGUES)
def test_every_entry_is_translated_and_none_is_fuzzy(language: str) -> None:
    header, *entries = read_po(CATALOGUES[language])
    assert header.msgid == "" and "fuzzy" not in header.flags
    assert len(entries) > 500, "the catalogue lost its entries"
    fuzzy = [label(e) for e in entries if "fuzzy" in e.flags]
    untranslated = [label(e) for e in entries if not all(e.msgstr.values())]
    assert not fuzzy, fuzzy
    assert not untranslated, untranslated


@pytest.mark.parametrize("language", CATALOGUES)
def test_placeholders_and_plural_forms_match_the_msgid(language: str) -> None:
    header, *entries = read_po(CATALOGUES[language])
    forms = nplurals(header)
    wrong = []
    for entry in entries:
        if entry.msgid_plural is None:
            expected = sorted(PLACEHOLDER.findall(entry.msgid))
            if sorted(PLACEHOLDER.findall(entry.msgstr[0])) != expected:
                wrong.append(f"{label(entry)} -> {entry.msgstr[0]!r}")
            continue
        if sorted(entry.msgstr) != list(range(forms)):
            wrong.append(f"{label(entry)}: {len(entry.msgstr)} plural forms, not {forms}")
        expected = sorted(set(PLACEHOLDER.findall(entry.msgid + entry.msgid_plural)))
        for text in entry.msgstr.values():
            if sorted(set(PLACEHOLDER.findall(text))) != expected:
                wrong.append(f"{label(entry)} -> {text!r}")
    assert not wrong, wrong


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")
@pytest.mark.parametrize("language", CATALOGUES)
def test_msgfmt_accepts_the_catalogue_and_the_committed_mo_is_current(
    language: str, tmp_path: Path
) -> None:
    po = CATALOGUES[language]
    compiled = tmp_path / "django.mo"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(compiled), str(po)],
        capture_output=True,
        text=True,
        check=False,
        env={"LC_ALL": "C"},
    )
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"\d+ translated messages\.", result.stderr.strip()), result.stderr
    with compiled.open("rb") as fresh, po.with_suffix(".mo").open("rb") as committed:
        expected = gettext.GNUTranslations(fresh)._catalog
        shipped = gettext.GNUTranslations(committed)._catalog
    assert shipped == expected, "django.mo is stale: run manage.py compilemessages"


HEADINGS = {
    "fr": {
        "login": "Se connecter",
        "declarations": "Déclarations",
        "queue": "File d'attente d'examen",
    },
    "zh-hans": {"login": "登录", "declarations": "报关单", "queue": "审核队列"},
}


@pytest.fixture(autouse=True)
def site_language_after_each_test() -> Iterator[None]:
    # A request through LocaleMiddleware leaves its language active in the thread; without
    # this, the tests after these ones would write their texts in Chinese.
    yield
    translation.deactivate()


def fetch(client: Client, path: str, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("language", HEADINGS)
def test_login_page_renders_in_the_cookie_language(language: str) -> None:
    html = fetch(Client(), reverse("login"), language)
    assert f'<html lang="{language}">' in html
    assert f">{HEADINGS[language]['login']}</h1>" in html
    assert ">Log in</h1>" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", HEADINGS)
def test_trader_and_officer_pages_render_in_the_cookie_language(
    language: str, trader_a: object, officer_customs: object
) -> None:
    trader = Client()
    assert trader.login(username=trader_a.user.get_username(), password=PASSWORD)
    html = fetch(trader, reverse("declaration_list"), language)
    assert f">{HEADINGS[language]['declarations']}</h1>" in html
    assert ">Declarations</h1>" not in html

    officer = Client()
    assert officer.login(username=officer_customs.user.get_username(), password=PASSWORD)
    html = fetch(officer, reverse("agencies:queue"), language)
    assert f">{HEADINGS[language]['queue']}</h1>" in html.replace("&#x27;", "'")
    # A model choice label (Python, gettext_lazy) in the per-status counters.
    pending = {"fr": "À examiner", "zh-hans": "待审核"}[language]
    assert pending in html and "Pending review" not in html


@pytest.mark.django_db
def test_language_menu_switches_the_pages(trader_a: object) -> None:
    client = Client()
    user: AbstractBaseUser = trader_a.user
    assert client.login(username=user.get_username(), password=PASSWORD)
    response = client.post(
        reverse("set_language"), {"language": "zh-hans", "next": reverse("declaration_list")}
    )
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    html = client.get(response["Location"]).content.decode()
    assert ">报关单</h1>" in html and ">我的报关单</a>" in html
