from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeclarationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "declarations"
    verbose_name = _("Declarations")

    def ready(self) -> None:
        # Schemas and code lists at start-up, not on the first request: a missing or
        # broken file stops the process here with a message naming it.
        from .reference_data import reference_data_load

        reference_data_load()
