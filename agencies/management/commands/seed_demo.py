"""``python manage.py seed_demo``: the demo cast, agencies, routing rules and declarations.

Idempotent: every run leaves the same data (and resets the demo passwords), so it is safe
to run at each start of the portal. The passwords are printed at the end: demo only, which
is why the command refuses to run with ``DJANGO_DEBUG=0`` unless ``--force`` is given.

The agencies and their routing rules are defined once here (``DEMO_AGENCIES``) and reused
by the test suite's fixed cast (``tests/conftest.py``), so tests route like the demo.
"""

import copy
import os
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from agencies.demo import (
    seed_cites_rule,
    seed_exchange_rates,
    seed_review_states,
    seed_risk_profiles,
    supervisors,
)
from agencies.models import Agency, Officer, RoutingRule

# The command lives in ``declarations`` as the project layout asks, but seeds both apps.
from declarations.brokers.models import BrokerAuthorisation, Representation
from declarations.models import Company, Declaration, Trader
from declarations.services import DeclarationInvalid, declaration_save_draft, declaration_submit
from singlewindow.accounts.roles import DEMO_ROLE_USERS, roles_sync


@dataclass(frozen=True, slots=True)
class AgencySpec:
    """One demo agency: its code, name, whether it is customs, the HS prefixes routed to it
    (one ``RoutingRule`` per prefix) and the username of its one officer."""

    code: str
    name: str
    is_customs: bool
    hs_prefixes: tuple[str, ...]
    officer_username: str


DEMO_AGENCIES: tuple[AgencySpec, ...] = (
    # Customs reviews every declaration (is_customs), so it needs no routing rule.
    AgencySpec("customs", "Customs", True, (), "officer.customs"),
    # HS chapters 01-24: live animals, animal and vegetable products, foodstuffs.
    AgencySpec(
        "plant-animal-health",
        "Plant and Animal Health Agency",
        False,
        tuple(f"{chapter:02d}" for chapter in range(1, 25)),
        "officer.planthealth",
    ),
    # Chapter 30: pharmaceutical products.
    AgencySpec("medicines", "Medicines Agency", False, ("30",), "officer.medicines"),
    # Chapters 28 (inorganic), 29 (organic chemicals), 38 (miscellaneous chemical products).
    AgencySpec("chemicals", "Chemicals Agency", False, ("28", "29", "38"), "officer.chemicals"),
    # Chapters 84 (machinery) and 85 (electrical equipment): product safety and conformity.
    AgencySpec("standards", "Technical Standards Agency", False, ("84", "85"), "officer.standards"),
)

DEMO_COMPANY = {"eori": "GB123456789000", "name": "Example Importers Ltd", "country": "GB"}
TRADER_USERNAME = "trader"
# A customs representative the demo company authorised (issue: brokers filing for clients).
DEMO_BROKER = {"eori": "GB555666777000", "name": "Channel Customs Brokers Ltd"}
BROKER_USERNAME = "broker"
ADMIN_USERNAME = "admin"
# Demo only. Overridable so a shared demo machine need not use the published one.
DEFAULT_DEMO_PASSWORD = "singlewindow-demo"


def seed_agencies() -> dict[str, Agency]:
    """Create or update the demo agencies and exactly their routing rules; by code."""
    agencies: dict[str, Agency] = {}
    for spec in DEMO_AGENCIES:
        agency, _ = Agency.objects.update_or_create(
            code=spec.code, defaults={"name": spec.name, "is_customs": spec.is_customs}
        )
        for prefix in spec.hs_prefixes:
            RoutingRule.objects.update_or_create(
                agency=agency,
                hs_prefix=prefix,
                origin_country="",
                declaration_type="",
                defaults={"active": True, "description": f"HS chapter {prefix}"},
            )
        agencies[spec.code] = agency
    return agencies


def _user(username: str, password: str, **extra: Any) -> AbstractBaseUser:
    user, _ = get_user_model().objects.update_or_create(
        username=username, defaults={"email": f"{username}@example.test", **extra}
    )
    user.set_password(password)
    user.save()
    return user


def _goods_item(
    sequence: int,
    hs_code: str,
    description: str,
    origin: str,
    value: Decimal,
    gross_kg: Decimal,
    net_kg: Decimal,
    quantity: Decimal,
    unit: str,
    packages: int = 1,
) -> dict[str, Any]:
    """A goods item released for free circulation (procedure 40, no previous: 00), in
    ``packages`` packages (UN/ECE Rec. 21 PK)."""
    return {
        "SequenceNumeric": str(sequence),
        "CustomsValueAmount": {"value": str(value), "currencyID": "EUR"},
        "Commodity": {
            "Description": description,
            "Classification": [{"ID": hs_code, "IdentificationTypeCode": "HS"}],
            "GoodsMeasure": {
                "GrossMassMeasure": {"value": str(gross_kg), "unitCode": "KGM"},
                "NetNetWeightMeasure": {"value": str(net_kg), "unitCode": "KGM"},
                "TariffQuantity": {"value": str(quantity), "unitCode": unit},
            },
        },
        "GovernmentProcedure": [{"CurrentCode": "40", "PreviousCode": "00"}],
        "Origin": [{"CountryCode": origin}],
        "Packaging": [
            {"SequenceNumeric": "1", "QuantityQuantity": {"value": str(packages)}, "TypeCode": "PK"}
        ],
    }


def _import_document(
    lrn: str, exporter: dict[str, str], export_country: str, items: list[dict[str, Any]]
) -> dict[str, Any]:
    """An import declaration in the canonical WCO DM JSON shape (see ``datamodel``)."""
    total = sum(Decimal(item["CustomsValueAmount"]["value"]) for item in items)
    importer = {
        "ID": DEMO_COMPANY["eori"],
        "Name": DEMO_COMPANY["name"],
        "Address": {"CountryCode": "GB"},
    }
    return {
        "Declaration": {
            "FunctionCode": "9",
            "FunctionalReferenceID": lrn,
            "TypeCode": "IMA",
            "GoodsItemQuantity": {"value": str(len(items))},
            "InvoiceAmount": {"value": str(total), "currencyID": "EUR"},
            "BorderTransportMeans": {"ModeCode": "1"},
            "Declarant": {"ID": DEMO_COMPANY["eori"], "Name": DEMO_COMPANY["name"]},
            "Exporter": {
                "ID": exporter["id"],
                "Name": exporter["name"],
                "Address": {"CountryCode": export_country},
            },
            "GoodsShipment": {
                "Importer": importer,
                "ExportCountry": {"ID": export_country},
                "Destination": {"CountryCode": "GB"},
                "TradeTerms": {"ConditionCode": "FOB"},
                # UCC DE 5/23: where the goods can be examined (UN/LOCODE GBFXT).
                "Consignment": {
                    "GoodsLocation": {
                        "Name": "Port of Felixstowe, Berth 8",
                        "ID": "GBFXT",
                        "Address": {"CountryCode": "GB"},
                    }
                },
                "GovernmentAgencyGoodsItem": copy.deepcopy(items),
            },
        }
    }


COFFEE = _goods_item(
    1, "090121", "Roasted coffee beans, not decaffeinated", "BR",
    Decimal("5000"), Decimal("1050"), Decimal("1000"), Decimal("1000"), "KGM",
)  # fmt: skip
MEDICAMENTS = _goods_item(
    2, "300490", "Paracetamol 500 mg tablets, packed for retail sale", "IN",
    Decimal("10000"), Decimal("220"), Decimal("200"), Decimal("5000"), "NAR",
)  # fmt: skip
COLOMBIAN_COFFEE = _goods_item(
    1, "090111", "Green coffee beans, not roasted, Huila", "CO",
    Decimal("9000"), Decimal("2100"), Decimal("2000"), Decimal("2000"), "KGM",
)  # fmt: skip
# Disclaimed to the CITES rule (agencies.demo.DEMO_CITES_RULE) by Y900, with the
# trader's statement as the document reference (AdditionalDocument ID, WCO D005).
GUITARS = {
    **_goods_item(
        1,
        "920290",
        "Acoustic guitars, spruce top, maple back and sides",
        "BR",
        Decimal("8000"),
        Decimal("300"),
        Decimal("250"),
        Decimal("50"),
        "NAR",
    ),
    "AdditionalDocument": [
        {"CategoryCode": "Y", "TypeCode": "900", "ID": "Spruce and maple only: no CITES species"}
    ],
}
LAPTOPS = _goods_item(
    1, "847130", "Portable computers (laptops), 14 inch, 1.4 kg", "CN",
    Decimal("60000"), Decimal("380"), Decimal("280"), Decimal("200"), "NAR",
)  # fmt: skip

# (LRN, submit?, document): coffee + medicaments and laptops are lodged, routed to the
# agencies' queues; a second laptop shipment stays a draft for the trader to finish.
DEMO_DECLARATIONS: tuple[tuple[str, bool, dict[str, Any]], ...] = (
    (
        "DEMO-2026-000001",
        True,
        _import_document(
            "DEMO-2026-000001",
            {"id": "BR12345678000190", "name": "Cafe do Brasil SA"},
            "BR",
            [COFFEE, MEDICAMENTS],
        ),
    ),
    (
        "DEMO-2026-000002",
        True,
        _import_document(
            "DEMO-2026-000002",
            {"id": "CN9131000058801X", "name": "Shenzhen Portable Computing Co"},
            "CN",
            [LAPTOPS],
        ),
    ),
    (
        "DEMO-2026-000003",
        False,
        _import_document(
            "DEMO-2026-000003",
            {"id": "CN9131000058801X", "name": "Shenzhen Portable Computing Co"},
            "CN",
            [LAPTOPS],
        ),
    ),
)


class Command(BaseCommand):
    help = "Create the demo agencies, routing rules, users and declarations (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even with DEBUG off (the demo passwords are public: never in production).",
        )

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo sets public demo passwords; with DEBUG off use --force.")
        password = os.environ.get("DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)
        with transaction.atomic():
            agencies = seed_agencies()
            _user(ADMIN_USERNAME, password, is_staff=True, is_superuser=True)
            company, _ = Company.objects.update_or_create(
                eori=DEMO_COMPANY["eori"],
                defaults={"name": DEMO_COMPANY["name"], "country": DEMO_COMPANY["country"]},
            )
            trader_user = _user(TRADER_USERNAME, password, first_name="Tess", last_name="Trader")
            trader, _ = Trader.objects.update_or_create(
                user=trader_user, defaults={"company": company}
            )
            # One demo administrator per role group, none a superuser (issue 8).
            groups = roles_sync()
            for username, role in DEMO_ROLE_USERS:
                _user(username, password, is_staff=True, is_superuser=False).groups.set(
                    [groups[role]]
                )
            officers = {}
            for spec in DEMO_AGENCIES:
                officer_user = _user(spec.officer_username, password)
                Officer.objects.update_or_create(
                    user=officer_user,
                    defaults={"agency": agencies[spec.code], "is_supervisor": False},
                )
                officers[spec.code] = officer_user
            seed_risk_profiles(agencies, company)
            seed_cites_rule(agencies)
            seed_exchange_rates()
            for username, agency in supervisors(agencies):
                Officer.objects.update_or_create(
                    user=_user(username, password, first_name="Sam", last_name="Supervisor"),
                    defaults={"agency": agency, "is_supervisor": True},
                )
        # Outside the seeding transaction: submission commits on its own and dispatches
        # the routing on commit (run at once with eager Celery, or by the worker).
        created = self._seed_declarations(trader)
        documents = {
            "coffee": COFFEE,
            "medicaments": MEDICAMENTS,
            "laptops": LAPTOPS,
            "colombian_coffee": COLOMBIAN_COFFEE,
            "guitars": GUITARS,
        }
        created += [
            f"{d.lrn} ({d.get_status_display()})"
            for d in seed_review_states(
                trader,
                officers,
                documents,
                lambda lrn, items: _import_document(
                    lrn, {"id": "BR12345678000190", "name": "Cafe do Brasil SA"}, "BR", items
                ),
            )
        ]
        created += self._seed_broker(password, company)
        self._print_logins(password, created)

    def _seed_declarations(self, trader: Trader) -> list[str]:
        created = []
        for lrn, submit, document in DEMO_DECLARATIONS:
            if Declaration.objects.filter(company=trader.company, lrn=lrn).exists():
                continue
            try:
                if submit:
                    declaration = declaration_submit(trader=trader, document=document)
                else:
                    declaration = declaration_save_draft(trader=trader, document=document)
            except DeclarationInvalid as invalid:
                # The demo documents must stay valid: say exactly what the rules refused.
                problems = "; ".join(f"{i.pointer}: {i.message}" for i in invalid.issues)
                raise CommandError(f"demo declaration {lrn} refused: {problems}") from None
            declaration.refresh_from_db()  # eager Celery may have routed it already
            created.append(f"{lrn} ({declaration.get_status_display()})")
        return created

    def _seed_broker(self, password: str, client: Company) -> list[str]:
        """A customs broker the demo company authorised (direct representation, WCO DM
        Agent/FunctionCode 2), and one import it lodged for that client."""
        broker_company, _ = Company.objects.update_or_create(
            eori=DEMO_BROKER["eori"],
            defaults={"name": DEMO_BROKER["name"], "country": "GB"},
        )
        broker_user = _user(BROKER_USERNAME, password, first_name="Bea", last_name="Broker")
        broker, _ = Trader.objects.update_or_create(
            user=broker_user, defaults={"company": broker_company}
        )
        BrokerAuthorisation.objects.get_or_create(
            client=client,
            broker=broker_company,
            representation=Representation.DIRECT,
            defaults={"valid_from": date(2026, 1, 1)},
        )
        lrn = "DEMO-2026-000020"
        if Declaration.objects.filter(company=broker_company, lrn=lrn).exists():
            return []
        document = _import_document(
            lrn,
            {"id": "BR12345678000190", "name": "Cafe do Brasil SA"},
            "BR",
            [COFFEE],
        )
        header = document["Declaration"]
        header["Declarant"] = {"ID": DEMO_BROKER["eori"], "Name": DEMO_BROKER["name"]}
        header["Agent"] = {"ID": DEMO_BROKER["eori"], "FunctionCode": "2"}
        try:
            declaration = declaration_submit(trader=broker, document=document)
        except DeclarationInvalid as invalid:
            problems = "; ".join(f"{i.pointer}: {i.message}" for i in invalid.issues)
            raise CommandError(f"demo declaration {lrn} refused: {problems}") from None
        declaration.refresh_from_db()
        return [f"{lrn} ({declaration.get_status_display()}, lodged by the broker)"]

    def _print_logins(self, password: str, created: list[str]) -> None:
        out = self.stdout
        if created:
            out.write("Demo declarations created: " + ", ".join(created))
        out.write(self.style.SUCCESS("Demo logins (demo data only, never use in production):"))
        rows = [(ADMIN_USERNAME, "administrator (Django admin at /admin/)")]
        rows.append((TRADER_USERNAME, f"trader of {DEMO_COMPANY['name']} {DEMO_COMPANY['eori']}"))
        rows += [(spec.officer_username, f"officer, {spec.name}") for spec in DEMO_AGENCIES]
        rows += [
            (username, f"supervisor, {agency.name}")
            for username, agency in supervisors(
                {agency.code: agency for agency in Agency.objects.all()}
            )
        ]
        rows.append(
            (BROKER_USERNAME, f"customs broker {DEMO_BROKER['name']}, lodges for the trader")
        )
        rows += [(username, f"administrator: {role}") for username, role in DEMO_ROLE_USERS]
        for username, role in rows:
            out.write(f"  {username:<22} {password:<20} {role}")
        out.write("  API tokens: POST /api/v1/auth/token/, or the Security page of the portal")
