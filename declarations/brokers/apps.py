from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BrokersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "declarations.brokers"
    label = "brokers"
    verbose_name = _("Customs representatives")
