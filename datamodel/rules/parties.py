"""Rules on the parties of a declaration: the format of identifiers that are EORI numbers."""

import re

from django.utils.translation import gettext_lazy as _

from datamodel.issues import IssueCode
from datamodel.rules.context import DECLARATION, TYPE_CODE, RuleContext, is_country
from datamodel.validation import Parts, message

# Delegated Regulation (EU) 2015/2446 (UCC DA) Annex 12-01, "Structure of the EORI number":
# field 1, the country code of the issuing country (a2, ISO 3166-1 alpha-2); field 2, an
# identifier unique in that country (an..15). Written in capitals, without separators.
EORI_RE = re.compile(r"([A-Z]{2})([A-Z0-9]{1,15})")
# Prefixes in use that are no ISO 3166-1 code: XI, Northern Ireland (EU geonomenclature,
# Implementing Regulation (EU) 2020/1470; HMRC issues XI EORI numbers since 2021).
EORI_PREFIXES_OUTSIDE_ISO = frozenset({"XI"})
_SEPARATORS = re.compile(r"[\s./_-]+")

# Party identifiers that are EORI numbers whatever the declaration (UCC Annex B and the UK
# CDS completion guide, Appendix: "Identification number (EORI)"): DE 3/18 declarant
# (WCO R123), DE 3/16 importer (R038), DE 3/20 representative (R004), DE 3/39 holder of
# the authorisation (R144). Not here: the exporter on an import, the consignee and the
# consignor (a third-country identification number is allowed, UCC Annex B DE 3/2, 3/10),
# the carrier, the seller and buyer, the additional fiscal references (DE 3/40: a VAT
# number such as IM5532027340) and the warehouse (DE 2/7: type and ID of the warehouse).
_EORI_PARTIES: tuple[Parts, ...] = (
    (DECLARATION, "Declarant", "ID"),
    (DECLARATION, "GoodsShipment", "Importer", "ID"),
    (DECLARATION, "Agent", "ID"),
)
_AUTHORISATION_HOLDERS: Parts = (DECLARATION, "AuthorisationHolder")
# DE 3/2 exporter on an export (UCC Annex B column B1: the exporter is established in the
# customs territory and identified by its EORI number).
_EXPORTER_ID: Parts = (DECLARATION, "Exporter", "ID")
EXPORT_TYPE_CODES = frozenset({"EX"})


def eori_problem(eori: str) -> str | None:
    """What to change in ``eori`` to make it an EORI number (``None``: nothing).

    Source: UCC DA Annex 12-01 (see ``EORI_RE``): an ISO 3166-1 alpha-2 prefix (or XI) and
    up to 15 letters or digits, in capitals, without spaces or separators.
    """
    match = EORI_RE.fullmatch(eori)
    if match is not None:
        prefix = match.group(1)
        if is_country(prefix) or prefix in EORI_PREFIXES_OUTSIDE_ISO:
            return None
        return message(
            _(
                "%(eori)s does not start with a country code: an EORI number starts with the "
                "ISO 3166-1 alpha-2 code of the country that issued it (e.g. GB, XI, DE)."
            ),
            eori=eori,
        )
    written = _SEPARATORS.sub("", eori).upper()
    if written != eori and eori_problem(written) is None:
        return message(
            _("Write the EORI number as %(written)s: capitals, no spaces or separators."),
            written=written,
        )
    rest = written[2:]
    if len(written) < 2 or not re.fullmatch("[A-Z]{2}", written[:2]):
        return message(
            _(
                "%(eori)s does not start with a country code: an EORI number is a two-letter "
                "country code (e.g. GB) followed by up to 15 letters or digits."
            ),
            eori=eori,
        )
    return message(
        _(
            "After the country code %(prefix)s an EORI number has 1 to 15 letters or digits; "
            "%(eori)s has %(count)s characters there%(other)s."
        ),
        prefix=written[:2].upper(),
        eori=eori,
        count=len(rest),
        other=_(", some of them not letters or digits")
        if not re.fullmatch("[A-Z0-9]*", rest)
        else "",
    )


def party_eoris_valid(ctx: RuleContext) -> None:
    """Party identifiers that are EORI numbers have the EORI format; the message says what
    to change.

    Source: UCC DA Annex 12-01 (structure of the EORI number); UCC Annex B / UK CDS
    completion guide DE 3/18, 3/16, 3/20, 3/39 (identified by EORI), DE 3/2 on exports
    (see ``_EORI_PARTIES``). Parties that may carry another identifier are not checked: a
    rule refusing what customs accepted is worse than none.
    """
    places = list(_EORI_PARTIES)
    holders = ctx.get(_AUTHORISATION_HOLDERS)
    if isinstance(holders, list):
        places += [(*_AUTHORISATION_HOLDERS, index, "ID") for index in range(len(holders))]
    type_code = ctx.value(TYPE_CODE) or ""
    if type_code[:2].upper() in EXPORT_TYPE_CODES:
        places.append(_EXPORTER_ID)
    for parts in places:
        eori = ctx.value(parts)
        if eori is None:
            continue
        problem = eori_problem(eori)
        if problem is not None:
            ctx.report(IssueCode.BAD_EORI, parts, problem)
