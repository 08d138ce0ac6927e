from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "singlewindow.accounts"
    label = "accounts"
    verbose_name = _("Accounts and access")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import receivers, roles

        receivers.connect()
        # The groups follow the role definitions after every migrate (permissions of new
        # models exist only once their app has migrated, hence after each app's migrate).
        post_migrate.connect(roles.sync_after_migrate, dispatch_uid="accounts-roles-sync")
