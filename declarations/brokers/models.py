"""Customs representatives (brokers): who may lodge for whom, and for whom each was lodged."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from declarations.models import Company, Declaration


class Representation(models.TextChoices):
    """The representative's status (WCO DM Agent/FunctionCode, UCC Annex B DE 3/21; UCC
    Art. 18: direct = in the name of another person, indirect = in its own name)."""

    DIRECT = "2", _("Direct representation")
    INDIRECT = "3", _("Indirect representation")


class BrokerAuthorisation(models.Model):
    """A client company's authorisation of a broker company to lodge declarations for it,
    as its direct or indirect representative (UCC Art. 18-19), from ``valid_from`` to
    ``valid_to`` inclusive (open-ended when empty). Set by an administrator."""

    client = models.ForeignKey(
        Company,
        on_delete=models.PROTECT,
        related_name="brokers_authorised",
        verbose_name=_("client"),
    )
    broker = models.ForeignKey(
        Company,
        on_delete=models.PROTECT,
        related_name="clients_authorising",
        verbose_name=_("broker"),
    )
    representation = models.CharField(
        _("representation"), max_length=1, choices=Representation.choices
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("broker authorisation")
        verbose_name_plural = _("broker authorisations")
        constraints = [
            models.CheckConstraint(
                condition=~Q(client=F("broker")), name="broker_is_not_its_client"
            ),
            models.CheckConstraint(
                condition=Q(valid_to=None) | Q(valid_to__gte=F("valid_from")),
                name="authorisation_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["broker", "client"])]

    def __str__(self) -> str:
        return f"{self.broker} for {self.client} ({self.get_representation_display()})"


class RepresentedDeclaration(models.Model):
    """A declaration a broker (the declaration's company, the declarant) lodged for
    ``client`` (the importer or exporter) under ``authorisation``: the client's users read
    it (``declarations.selectors.declarations_of_company``)."""

    declaration = models.OneToOneField(
        Declaration, on_delete=models.CASCADE, primary_key=True, related_name="representation"
    )
    client = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    authorisation = models.ForeignKey(
        BrokerAuthorisation, on_delete=models.PROTECT, related_name="declarations"
    )
    representation = models.CharField(max_length=1, choices=Representation.choices)

    class Meta:
        verbose_name = _("represented declaration")
        verbose_name_plural = _("represented declarations")
        indexes = [models.Index(fields=["client"])]

    def __str__(self) -> str:
        return f"{self.declaration} for {self.client}"
