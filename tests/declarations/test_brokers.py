"""Brokers lodge for the clients that authorised them; the clients read those declarations."""

from datetime import timedelta

import pytest
from django.utils import timezone

from declarations.brokers.models import BrokerAuthorisation, Representation
from declarations.models import Declaration
from declarations.selectors import access_declaration, declarations_of_company
from declarations.services import DeclarationInvalid, declaration_submit
from tests.factories import CompanyFactory, TraderFactory, UserFactory, declarant, valid_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker():
    company = CompanyFactory(eori="GB999888777000", name="Channel Brokers Ltd")
    return TraderFactory(company=company, user=UserFactory(username="broker.user"))


def for_client(broker, client_company, function_code: str = "2") -> dict:
    """A document the broker lodges for ``client_company`` (the importer)."""
    document = valid_document(
        Declarant=declarant(broker.company),
        Agent={"ID": broker.company.eori, "FunctionCode": function_code},
    )
    document["Declaration"]["GoodsShipment"]["Importer"].update(declarant(client_company))
    return document


def authorise(broker, client_company, representation=Representation.DIRECT, **dates):
    today = timezone.localdate()
    return BrokerAuthorisation.objects.create(
        client=client_company,
        broker=broker.company,
        representation=representation,
        valid_from=dates.get("valid_from", today - timedelta(days=30)),
        valid_to=dates.get("valid_to"),
    )


def test_an_authorised_broker_lodges_for_its_client_and_the_client_reads_it(
    broker, trader_a, trader_b
) -> None:
    authorise(broker, trader_a.company)

    declaration = declaration_submit(trader=broker, document=for_client(broker, trader_a.company))

    assert declaration.company == broker.company
    assert declaration.representation.client == trader_a.company
    assert declaration.representation.representation == "2"
    # The client reads it, but does not act on it; another company sees nothing.
    assert list(declarations_of_company(trader_a.user)) == [declaration]
    assert access_declaration(trader_a.user, declaration.pk, as_client=True) == declaration
    with pytest.raises(Exception, match="No such declaration"):
        access_declaration(trader_a.user, declaration.pk)
    assert not declarations_of_company(trader_b.user).exists()
    assert list(declarations_of_company(broker.user)) == [declaration]


@pytest.mark.parametrize(
    ("setup", "function_code", "path"),
    [
        ("none", "2", "/Declaration/GoodsShipment/Importer/ID"),
        ("indirect only", "2", "/Declaration/GoodsShipment/Importer/ID"),
        ("expired", "2", "/Declaration/GoodsShipment/Importer/ID"),
        ("direct", "", "/Declaration/Agent/FunctionCode"),
    ],
)
def test_a_broker_cannot_lodge_for_a_client_that_did_not_authorise_it(
    broker, trader_a, setup: str, function_code: str, path: str
) -> None:
    today = timezone.localdate()
    if setup == "indirect only":
        authorise(broker, trader_a.company, Representation.INDIRECT)
    elif setup == "expired":
        authorise(
            broker,
            trader_a.company,
            valid_from=today - timedelta(days=60),
            valid_to=today - timedelta(days=1),
        )
    elif setup == "direct":
        authorise(broker, trader_a.company)
    document = for_client(broker, trader_a.company, function_code)
    if not function_code:
        del document["Declaration"]["Agent"]["FunctionCode"]

    with pytest.raises(DeclarationInvalid) as refused:
        declaration_submit(trader=broker, document=document)

    assert path in {issue.path for issue in refused.value.issues}
    assert not Declaration.objects.exists()


def test_the_broker_answers_for_the_declaration_over_the_api(broker, trader_a, trader_b, client):
    authorise(broker, trader_a.company, Representation.INDIRECT)
    declaration = declaration_submit(
        trader=broker, document=for_client(broker, trader_a.company, "3")
    )
    for user, expected in ((broker.user, 200), (trader_a.user, 200), (trader_b.user, 404)):
        client.force_login(user)
        assert client.get(f"/api/v1/declarations/{declaration.pk}/").status_code == expected
        assert client.get(f"/declarations/{declaration.pk}/").status_code == expected
    # The client cannot cancel what its broker lodged.
    client.force_login(trader_a.user)
    cancel = client.post(
        f"/api/v1/declarations/{declaration.pk}/cancel/",
        {"reason": "x"},
        content_type="application/json",
    )
    assert cancel.status_code == 404


def test_the_clients_page_offers_no_action_the_broker_takes(broker, trader_a, client) -> None:
    authorise(broker, trader_a.company)
    declaration = declaration_submit(trader=broker, document=for_client(broker, trader_a.company))

    client.force_login(trader_a.user)
    client_page = client.get(f"/declarations/{declaration.pk}/").content.decode()
    client.force_login(broker.user)
    broker_page = client.get(f"/declarations/{declaration.pk}/").content.decode()

    assert 'data-testid="lodged-by-broker"' in client_page and "Channel Brokers Ltd" in client_page
    for action in ('data-testid="copy"', 'data-testid="cancel"'):
        assert action not in client_page
        assert action in broker_page
