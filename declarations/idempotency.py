"""Safe retries: the API's ``Idempotency-Key`` (the first answer is replayed for 24 hours)
and the declaration form's one-time token (a form is lodged once).

Both claim a row first, in its own short transaction, behind a unique constraint: two
requests at once cannot both go through; the second sees the first's row.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Declaration, FormToken, IdempotencyRecord

IDEMPOTENCY_TTL = timedelta(hours=24)
FORM_TOKEN_TTL = timedelta(days=2)


def request_fingerprint(method: str, path: str, content_type: str, body: bytes) -> str:
    """SHA-256 (hex) of what makes two requests "the same request"."""
    digest = hashlib.sha256()
    for part in (method.upper(), path, content_type.split(";")[0].strip().lower()):
        digest.update(part.encode() + b"\0")
    digest.update(body)
    return digest.hexdigest()


class IdempotencyMismatch(Exception):
    """The key was used for another request (HTTP 422)."""


class IdempotencyInProgress(Exception):
    """The first request with the key is still being answered (HTTP 409)."""


@dataclass(frozen=True, slots=True)
class Claim:
    """The outcome of ``idempotency_claim``: a record to fill in (``replay`` ``False``) or
    the first answer to replay."""

    record: IdempotencyRecord
    replay: bool


def idempotency_claim(company_id: int, key: str, fingerprint: str) -> Claim:
    """Claim ``key`` for a new request of the company, or find the first answer to it.

    A record older than 24 hours is forgotten (the key may be used again). Raises
    ``IdempotencyMismatch`` (another body) or ``IdempotencyInProgress``.
    """
    cutoff = timezone.now() - IDEMPOTENCY_TTL
    IdempotencyRecord.objects.filter(company_id=company_id, key=key, created_at__lt=cutoff).delete()
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(
                company_id=company_id, key=key, fingerprint=fingerprint
            )
        return Claim(record, replay=False)
    except IntegrityError:
        pass
    record = IdempotencyRecord.objects.filter(company_id=company_id, key=key).first()
    if record is None:  # forgotten between our insert and our read: claim again
        return idempotency_claim(company_id, key, fingerprint)
    if record.fingerprint != fingerprint:
        raise IdempotencyMismatch(key)
    if record.status_code is None:
        raise IdempotencyInProgress(key)
    return Claim(record, replay=True)


def idempotency_store(
    record: IdempotencyRecord, status_code: int, content: bytes, content_type: str, location: str
) -> None:
    """Keep the answer of the claimed request (a server error frees the key instead, so
    a retry is handled anew)."""
    if status_code >= 500:
        IdempotencyRecord.objects.filter(pk=record.pk).delete()
        return
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        status_code=status_code,
        content=content,
        content_type=content_type,
        location=location,
    )


def form_token_issue(user: AbstractBaseUser) -> str:
    """A new one-time token for a form the user is shown (old unused ones are purged)."""
    FormToken.objects.filter(created_at__lt=timezone.now() - FORM_TOKEN_TTL).delete()
    token = secrets.token_urlsafe(32)
    FormToken.objects.create(token=token, user=user)
    return token


@dataclass(frozen=True, slots=True)
class FormTokenUse:
    """``fresh``: this request may go on; else ``declaration`` is what the first request
    made of the form (``None``: still being handled, or the token is unknown)."""

    fresh: bool
    declaration: Declaration | None = None


def form_token_use(user: AbstractBaseUser, token: str) -> FormTokenUse:
    """Use the token once (a conditional update: of two requests at once, one wins)."""
    if token and FormToken.objects.filter(token=token, user=user, used_at=None).update(
        used_at=timezone.now()
    ):
        return FormTokenUse(fresh=True)
    used = FormToken.objects.filter(token=token, user=user).select_related("declaration").first()
    return FormTokenUse(fresh=False, declaration=used.declaration if used else None)


def form_token_done(user: AbstractBaseUser, token: str, declaration: Declaration | None) -> None:
    """Record what the form made (``None``: nothing, the form is shown again with a new
    token and this one stays spent)."""
    FormToken.objects.filter(token=token, user=user).update(declaration=declaration)
