"""Administration roles: Django groups with model permissions, so that no administrator
needs to be a superuser (the superuser stays for the platform operator only).

``ROLES`` is the one definition; ``roles_sync`` makes the groups match it, and runs after
every ``migrate`` (so a fresh database has them) and from ``seed_demo``. Permissions of a
model that does not exist (yet) are skipped. Separation of duties follows OWASP ASVS 4.0
V1.4 / V4.1.3 (least privilege): the rules editor cannot manage users, the user
administrator cannot edit routing, the auditor reads everything and changes nothing.
"""

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

ROUTING_EDITOR = "Routing and risk rules editor"
AGENCY_SUPERVISOR = "Agency supervisor"
USER_ADMINISTRATOR = "User administrator"
AUDITOR = "Auditor"

# The demo's administrators, one per role (agencies/management/commands/seed_demo.py).
DEMO_ROLE_USERS: tuple[tuple[str, str], ...] = (
    ("admin.rules", ROUTING_EDITOR),
    ("admin.supervisor", AGENCY_SUPERVISOR),
    ("admin.users", USER_ADMINISTRATOR),
    ("auditor", AUDITOR),
)

# group -> ((app label, model, actions), ...); "*" as the model: every model of the app.
ROLES: dict[str, tuple[tuple[str, str, tuple[str, ...]], ...]] = {
    ROUTING_EDITOR: (
        ("agencies", "routingrule", ("view", "add", "change", "delete")),
        ("agencies", "routingrulechange", ("view",)),
        ("risk", "riskprofile", ("view", "add", "change", "delete")),
        ("risk", "riskprofilechange", ("view",)),
        ("risk", "laneassignment", ("view",)),
        # Customs exchange rates, which value thresholds of rules and profiles convert by.
        ("rates", "exchangerate", ("view", "add", "change", "delete")),
        ("rates", "exchangeratechange", ("view",)),
        # The traders of a profile are picked from the companies (autocomplete).
        ("declarations", "company", ("view",)),
        ("agencies", "agency", ("view",)),
        # Fan-outs that failed (no agency for an item): seen and retried once fixed.
        ("declarations", "routingoutbox", ("view", "change")),
    ),
    AGENCY_SUPERVISOR: (
        ("agencies", "agency", ("view",)),
        ("agencies", "officer", ("view", "add", "change")),
        ("agencies", "reviewtask", ("view", "change")),
        ("agencies", "itemoutcome", ("view",)),
        ("inspections", "inspection", ("view",)),
        ("inspections", "inspectionappointment", ("view",)),
        ("agencies", "routingrule", ("view",)),
        ("agencies", "routingrulechange", ("view",)),
        ("risk", "riskprofile", ("view",)),
        ("risk", "riskprofilechange", ("view",)),
        ("risk", "laneassignment", ("view",)),
        ("rates", "exchangerate", ("view",)),
        ("rates", "exchangeratechange", ("view",)),
        ("declarations", "declaration", ("view",)),
        ("declarations", "company", ("view",)),
        ("declarations", "routingoutbox", ("view",)),
    ),
    USER_ADMINISTRATOR: (
        ("auth", "user", ("view", "add", "change")),
        ("auth", "group", ("view",)),
        ("declarations", "trader", ("view", "add", "change")),
        ("declarations", "company", ("view", "add", "change")),
        ("brokers", "brokerauthorisation", ("view", "add", "change")),
        ("agencies", "officer", ("view", "add", "change")),
        ("agencies", "agency", ("view",)),
        ("otp_totp", "totpdevice", ("view", "delete")),
        ("otp_static", "staticdevice", ("view", "delete")),
        ("axes", "accessattempt", ("view", "delete")),
        ("axes", "accessfailurelog", ("view",)),
        ("accounts", "accessevent", ("view",)),
        ("accounts", "apitoken", ("view", "change")),
    ),
    # Read-only everything, the history included (review events, status events, the
    # access audit, axes' logs): every "view" permission of every model.
    AUDITOR: (("*", "*", ("view",)),),
}


def role_permissions(role: str) -> Any:
    """The ``Permission`` rows of ``role`` that exist in this database."""
    query = Q(pk__in=[])
    for app_label, model, actions in ROLES[role]:
        part = Q(codename__in=[f"{action}_{model}" for action in actions])
        if model == "*":
            part = Q(codename__regex=r"^(" + "|".join(actions) + r")_")
        if app_label != "*":
            part &= Q(content_type__app_label=app_label)
        if model != "*":
            part &= Q(content_type__model=model)
        query |= part
    return Permission.objects.filter(query)


@transaction.atomic
def roles_sync() -> dict[str, Group]:
    """Create the role groups and give each exactly its permissions; by name."""
    groups = {}
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(role_permissions(role))
        groups[role] = group
    return groups


def sync_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """``post_migrate`` receiver: each app's migrate may have added permissions."""
    if using == "default":
        roles_sync()
