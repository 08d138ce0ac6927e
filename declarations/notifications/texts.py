"""The words of each notification, made from its code and data in the reader's language
(the stored ``text`` is the same in the site's language, for e-mail and webhooks)."""

from typing import Any

from django.utils.translation import gettext as _

from .models import NotificationCode

_TEXTS = {
    NotificationCode.ACCEPTED: "Declaration %(ref)s was accepted (MRN %(mrn)s).",
    NotificationCode.ROUTED: "Declaration %(ref)s was sent to %(agencies)s.",
    NotificationCode.INFORMATION_REQUESTED: "%(agency)s asks for information on %(ref)s: "
    "%(message)s",
    NotificationCode.INSPECTION_APPOINTMENT: "%(agency)s ordered an inspection of %(ref)s: "
    "%(message)s",
    NotificationCode.AGENCY_OUTCOME: "%(agency)s decided on %(ref)s: %(status)s. %(message)s",
    NotificationCode.CLEARED: "Declaration %(ref)s is cleared.",
    NotificationCode.CLEARED_WITH_CONDITIONS: "Declaration %(ref)s is cleared with conditions.",
    NotificationCode.PARTIALLY_RELEASED: "Declaration %(ref)s is partially released.",
    NotificationCode.REJECTED: "Declaration %(ref)s is rejected.",
    NotificationCode.CANCELLED: "Declaration %(ref)s is cancelled: %(message)s",
    NotificationCode.AMENDED: "Amendment %(version)s of %(ref)s was accepted: %(message)s",
    NotificationCode.TRADER_ANSWERED: "The trader answered on %(ref)s: %(message)s",
    NotificationCode.TRADER_AMENDED: "The trader amended %(ref)s (version %(version)s).",
    NotificationCode.REVIEW_ESCALATED: "The review of %(ref)s by %(agency)s is overdue: "
    "%(message)s",
    NotificationCode.ITEM_CALLED_IN: "%(agency)s called in goods item %(sequence)s of %(ref)s, "
    "disclaimed with %(exemption_code)s: %(message)s",
}


def _marked() -> None:
    # The texts above, for makemessages (they are translated through gettext below).
    _("Declaration %(ref)s was accepted (MRN %(mrn)s).")
    _("Declaration %(ref)s was sent to %(agencies)s.")
    _("%(agency)s asks for information on %(ref)s: %(message)s")
    _("%(agency)s ordered an inspection of %(ref)s: %(message)s")
    _("%(agency)s decided on %(ref)s: %(status)s. %(message)s")
    _("Declaration %(ref)s is cleared.")
    _("Declaration %(ref)s is cleared with conditions.")
    _("Declaration %(ref)s is partially released.")
    _("Declaration %(ref)s is rejected.")
    _("Declaration %(ref)s is cancelled: %(message)s")
    _("Amendment %(version)s of %(ref)s was accepted: %(message)s")
    _("The trader answered on %(ref)s: %(message)s")
    _("The trader amended %(ref)s (version %(version)s).")
    _("The review of %(ref)s by %(agency)s is overdue: %(message)s")
    _(
        "%(agency)s called in goods item %(sequence)s of %(ref)s, "
        "disclaimed with %(exemption_code)s: %(message)s"
    )


class _Defaults(dict):
    def __missing__(self, key: str) -> str:
        return ""


def notification_text(code: str, data: dict[str, Any]) -> str:
    """The notification's sentence for ``code`` filled from ``data`` (missing keys empty)."""
    template = _TEXTS.get(code)
    if template is None:
        return code
    return (_(template) % _Defaults(data)).strip()
