"""What do I need? (UN/CEFACT Recommendation 38, trade information portals): which agencies
will review goods of an HS code and origin, what documents they require and which
exemption codes exist — from the same active rules and the same ``routing_plan`` as the
fan-out, so the answer is what routing will do with such an item.
"""

import json
from dataclasses import dataclass
from datetime import date
from functools import cache

from django.utils.translation import gettext as _

from datamodel.codelists import CODELISTS_DIR

from ..models import Agency, RoutingRequirement
from ..rates.conversion import missing_rate_text
from ..services.routing import RuleMatch, routing_plan, rules_in_force
from .conditions import ItemFacts

# Strongest first: what the agency does with the item when several of its rules match.
_STRENGTH = [
    RoutingRequirement.CUSTOMS,
    RoutingRequirement.REQUIRED,
    RoutingRequirement.MAY_BE_REQUIRED,
    RoutingRequirement.DISCLAIMED,
]


@dataclass(frozen=True, slots=True)
class DocumentNeed:
    """A document an agency's rule asks for (DE 2/3 code and its description), with the
    exemption codes that disclaim it (may-be-required rules) or replace it."""

    code: str
    description: str
    exemption_codes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AgencyRequirement:
    """One agency concerned: ``requirement`` (the strongest of its matching rules:
    customs, required, may_be_required, disclaimed), the rules' wording and the documents;
    ``notes``: why a rule matched without its value threshold being compared (no customs
    exchange rate for the currency on the day), as routing records it."""

    agency: Agency
    requirement: str
    rules: tuple[str, ...]
    documents: tuple[DocumentNeed, ...]
    exemption_codes: tuple[str, ...]
    notes: tuple[str, ...] = ()

    @property
    def reviews(self) -> bool:
        return self.requirement != RoutingRequirement.DISCLAIMED

    @property
    def requirement_label(self) -> str:
        return str(RoutingRequirement(self.requirement).label)


@cache
def document_descriptions() -> dict[str, str]:
    """DE 2/3 document code -> description, from the ``document-codes`` list's files."""
    folder = CODELISTS_DIR / "document-codes"
    names: dict[str, str] = {}
    for path, code_key, text_key in (
        ("SupportingDocumentType.json", "code", "description"),
        ("allowed-additional-documents.json", "value", "display"),
    ):
        for row in json.loads((folder / path).read_text(encoding="utf-8")):
            code, text = str(row.get(code_key, "")).strip(), str(row.get(text_key, ""))
            if code and code not in names:
                names[code] = " ".join(text.replace("&quot;", '"').split())
    return names


def _agency_requirement(agency: Agency, matches: list[RuleMatch]) -> AgencyRequirement:
    documents: dict[str, DocumentNeed] = {}
    exemptions: set[str] = set()
    for match in matches:
        if match.rule is None:
            continue
        codes = tuple(sorted(match.rule.exemption_code_set()))
        exemptions.update(codes)
        if match.rule.document_code:
            code = match.rule.document_code
            documents[code] = DocumentNeed(code, document_descriptions().get(code, ""), codes)
    return AgencyRequirement(
        agency=agency,
        requirement=min((m.requirement for m in matches), key=_STRENGTH.index),
        rules=tuple(str(m.rule) for m in matches if m.rule is not None),
        documents=tuple(documents[c] for c in sorted(documents)),
        exemption_codes=tuple(sorted(exemptions)),
        notes=tuple(
            _("%(missing)s: reviewed rather than skipped")
            % {"missing": missing_rate_text(m.rate_missing, m.rate_date)}
            for m in matches
            if m.rate_missing
        ),
    )


def requirements_for(facts: ItemFacts, on: date | None = None) -> list[AgencyRequirement]:
    """The agencies concerned by one goods item described before filing, in name order
    (customs first): ``routing_plan`` over the rules in force on ``on`` (default today)."""
    customs = list(Agency.objects.filter(is_customs=True))
    plan = routing_plan([facts], rules_in_force(), customs, on=on)
    found = [_agency_requirement(agency, matches[0]) for agency, matches in plan.items() if matches]
    return sorted(found, key=lambda r: (not r.agency.is_customs, r.agency.name))
