from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskConfig(AppConfig):
    name = "agencies.risk"
    label = "risk"
    verbose_name = _("Risk lanes")
    default_auto_field = "django.db.models.BigAutoField"
