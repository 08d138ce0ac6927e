"""Choices of the declaration form: code lists with labels in the active language."""

from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

import pycountry
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from datamodel.codelists import iso_currencies

# --- code lists ---------------------------------------------------------------------------

# UCC Annex B DE 1/2 "additional declaration type" (the third character of WCO DM D013).
ADDITIONAL_DECLARATION_TYPES = [
    ("A", _("A – standard declaration")),
    ("B", _("B – simplified declaration, occasional")),
    ("C", _("C – simplified declaration, regular use")),
    ("D", _("D – standard declaration, lodged before presentation of the goods")),
    ("E", _("E – simplified declaration, occasional, lodged before presentation")),
    ("F", _("F – simplified declaration, regular use, lodged before presentation")),
]

# Incoterms 2020 (ICC), WCO DM 097 "Delivery terms, coded".
INCOTERMS = [
    ("EXW", _("EXW – Ex Works")),
    ("FCA", _("FCA – Free Carrier")),
    ("CPT", _("CPT – Carriage Paid To")),
    ("CIP", _("CIP – Carriage and Insurance Paid To")),
    ("DAP", _("DAP – Delivered at Place")),
    ("DPU", _("DPU – Delivered at Place Unloaded")),
    ("DDP", _("DDP – Delivered Duty Paid")),
    ("FAS", _("FAS – Free Alongside Ship")),
    ("FOB", _("FOB – Free On Board")),
    ("CFR", _("CFR – Cost and Freight")),
    ("CIF", _("CIF – Cost, Insurance and Freight")),
]

# UN/ECE Recommendation 19 modes of transport, WCO DM T022.
TRANSPORT_MODES = [
    ("1", _("1 – Maritime transport")),
    ("2", _("2 – Rail transport")),
    ("3", _("3 – Road transport")),
    ("4", _("4 – Air transport")),
    ("5", _("5 – Mail")),
    ("6", _("6 – Multimodal transport")),
    ("7", _("7 – Fixed transport installation")),
    ("8", _("8 – Inland water transport")),
    ("9", _("9 – Transport mode not applicable")),
]

# UN/ECE Recommendation 20 units for the tariff quantity (WCO DM 131 unitCode).
QUANTITY_UNITS = [
    ("KGM", _("kg – kilogram")),
    ("GRM", _("g – gram")),
    ("TNE", _("t – tonne")),
    ("LTR", _("l – litre")),
    ("MTQ", _("m³ – cubic metre")),
    ("MTK", _("m² – square metre")),
    ("MTR", _("m – metre")),
    ("NAR", _("items – number of articles")),
    ("NPR", _("pairs – number of pairs")),
]

BLANK_CHOICE = [("", pgettext_lazy("select placeholder", "— choose —"))]


@cache
def _countries(language: str) -> list[tuple[str, str]]:
    names = _pycountry_translation("iso3166-1", language)
    rows = [(c.alpha_2, f"{names(c.name)} ({c.alpha_2})") for c in pycountry.countries]
    return sorted(rows, key=lambda row: row[1].casefold())


@cache
def _currencies(language: str) -> list[tuple[str, str]]:
    # The currencies an amount may be declared in are the datamodel's (ISO 4217 less the
    # no-currency, test and metal codes): one list for the form, the API and XML.
    names = _pycountry_translation("iso4217", language)
    allowed = iso_currencies()
    return sorted(
        (c.alpha_3, f"{c.alpha_3} – {names(c.name)}")
        for c in pycountry.currencies
        if c.alpha_3 in allowed
    )


def _pycountry_translation(domain: str, language: str) -> Callable[[str], str]:
    """pycountry ships the Debian iso-codes translations; English when none matches."""
    import gettext

    locale = {"zh-hans": "zh_CN", "zh-hant": "zh_TW"}.get(language, language.replace("-", "_"))
    try:
        return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[locale]).gettext
    except OSError:
        return str


def country_choices() -> list[tuple[str, str]]:
    """ISO 3166-1 alpha-2 countries by name in the active language, with a blank first."""
    return BLANK_CHOICE + _countries(get_language() or "en")


def currency_choices() -> list[tuple[str, str]]:
    """ISO 4217 currencies by code, with a blank first."""
    return BLANK_CHOICE + _currencies(get_language() or "en")


def choice_label(choices: Iterable[tuple[str, Any]], value: str) -> str:
    """The label of ``value`` in ``choices``, or the value itself when it is not listed."""
    return str(dict(choices).get(value, value))
