"""``{% documents_panel declaration %}``: the supporting documents the user may open, and
the upload form for the declaration's company while it takes documents."""

from typing import Any

from django import template

from declarations.selectors import trader_of

from ..selectors import documents_visible
from ..services import ATTACHABLE_STATUSES, MAX_DECLARATION_BYTES, MAX_FILE_BYTES, MEGABYTE
from ..uploads import DocumentForm

register = template.Library()


@register.inclusion_tag("documents/_panel.html", takes_context=True)
def documents_panel(context: template.Context, declaration: Any) -> dict[str, Any]:
    request = context["request"]
    trader = trader_of(request.user)
    can_upload = (
        trader is not None
        and trader.company_id == declaration.company_id
        and declaration.status in ATTACHABLE_STATUSES
    )
    return {
        "declaration": declaration,
        "documents": list(documents_visible(request.user, declaration)),
        "can_upload": can_upload,
        "form": context.get("document_form") or DocumentForm(),
        "file_limit_mb": MAX_FILE_BYTES // MEGABYTE,
        "declaration_limit_mb": MAX_DECLARATION_BYTES // MEGABYTE,
        "csrf_token": context.get("csrf_token"),
    }
