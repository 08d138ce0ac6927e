"""factory_boy factories and a valid sample document for the test suite."""

import copy
from typing import Any

import factory
from django.contrib.auth import get_user_model

from agencies.models import Agency, Officer, RoutingRule
from declarations.models import Company, Trader

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.django.Password(PASSWORD)


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company
        django_get_or_create = ("eori",)

    eori = factory.Sequence(lambda n: f"GB{100000000000 + n}")
    name = factory.Sequence(lambda n: f"Trading Company {n} Ltd")
    country = "GB"


class TraderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trader

    user = factory.SubFactory(UserFactory)
    company = factory.SubFactory(CompanyFactory)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"agency-{n}")
    name = factory.LazyAttribute(lambda a: a.code.replace("-", " ").title())
    is_customs = False


class OfficerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Officer

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)


class RoutingRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoutingRule

    agency = factory.SubFactory(AgencyFactory)
    hs_prefix = ""
    origin_country = ""
    declaration_type = ""
    active = True


# A valid import declaration in the canonical WCO DM JSON shape (see datamodel.dictionary):
# roasted coffee from Brazil (HS 0901.21) and medicaments from India (HS 3004.90).
VALID_DOCUMENT: dict[str, Any] = {
    "Declaration": {
        "FunctionCode": "9",
        "FunctionalReferenceID": "LRN-2026-000001",
        "TypeCode": "IMA",
        "GoodsItemQuantity": {"value": "2"},
        "InvoiceAmount": {"value": "15000", "currencyID": "EUR"},
        "BorderTransportMeans": {"ModeCode": "1"},
        "Declarant": {"ID": "GB123456789000", "Name": "Example Importers Ltd"},
        "Exporter": {
            "ID": "BR12345678000190",
            "Name": "Cafe do Brasil SA",
            "Address": {"CountryCode": "BR"},
        },
        "GoodsShipment": {
            "Importer": {
                "ID": "GB123456789000",
                "Name": "Example Importers Ltd",
                "Address": {"CountryCode": "GB"},
            },
            "Consignment": {"GoodsLocation": {"Name": "FXTFXTFXT"}},
            "ExportCountry": {"ID": "BR"},
            "Destination": {"CountryCode": "GB"},
            "TradeTerms": {"ConditionCode": "FOB"},
            "GovernmentAgencyGoodsItem": [
                {
                    "SequenceNumeric": "1",
                    "CustomsValueAmount": {"value": "5000", "currencyID": "EUR"},
                    "Commodity": {
                        "Description": "Roasted coffee, not decaffeinated",
                        "Classification": [{"ID": "090121", "IdentificationTypeCode": "HS"}],
                        "GoodsMeasure": {
                            "GrossMassMeasure": {"value": "1050", "unitCode": "KGM"},
                            "NetNetWeightMeasure": {"value": "1000", "unitCode": "KGM"},
                            "TariffQuantity": {"value": "1000", "unitCode": "KGM"},
                        },
                    },
                    "GovernmentProcedure": [{"CurrentCode": "40", "PreviousCode": "00"}],
                    "Origin": [{"CountryCode": "BR"}],
                    "Packaging": [
                        {
                            "SequenceNumeric": "1",
                            "QuantityQuantity": {"value": "40"},
                            "TypeCode": "BG",
                        }
                    ],
                },
                {
                    "SequenceNumeric": "2",
                    "CustomsValueAmount": {"value": "10000", "currencyID": "EUR"},
                    "Commodity": {
                        "Description": "Paracetamol tablets, packed for retail sale",
                        "Classification": [{"ID": "300490", "IdentificationTypeCode": "HS"}],
                        "GoodsMeasure": {
                            "GrossMassMeasure": {"value": "220", "unitCode": "KGM"},
                            "NetNetWeightMeasure": {"value": "200", "unitCode": "KGM"},
                            "TariffQuantity": {"value": "5000", "unitCode": "NAR"},
                        },
                    },
                    "GovernmentProcedure": [{"CurrentCode": "40", "PreviousCode": "00"}],
                    "Origin": [{"CountryCode": "IN"}],
                    "Packaging": [
                        {
                            "SequenceNumeric": "1",
                            "QuantityQuantity": {"value": "10"},
                            "TypeCode": "CT",
                        }
                    ],
                },
            ],
        },
    }
}


def valid_document(**header: Any) -> dict[str, Any]:
    """A deep copy of ``VALID_DOCUMENT``; keyword arguments replace header elements."""
    doc = copy.deepcopy(VALID_DOCUMENT)
    doc["Declaration"].update(header)
    return doc


def declarant(company: Company) -> dict[str, str]:
    """The ``Declarant`` element naming ``company``: a trader may lodge only as its own
    company, e.g. ``valid_document(Declarant=declarant(trader_b.company))``."""
    return {"ID": company.eori, "Name": company.name}


def lodged_by(company: Company, **header: Any) -> dict[str, Any]:
    """``valid_document`` lodged by ``company`` on its own account: it is the declarant and
    the importer (a declarant lodging for another importer must be its authorised broker,
    ``declarations.brokers``)."""
    doc = valid_document(Declarant=declarant(company), **header)
    doc["Declaration"]["GoodsShipment"]["Importer"].update(declarant(company))
    return doc


# The browser form holds every element of VALID_DOCUMENT (the procedure, DE 1/10; packages,
# DE 6/9-6/10; the goods location, DE 5/23, were added for issue 7).
def form_expressible(document: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of ``document``: the browser form can hold all of it."""
    return copy.deepcopy(document)
