"""Movement Reference Numbers (WCO DM D010 ``ID`` given by customs on acceptance).

Format (EU UCC Annex B DE 2/1 MRN, 18 characters): 2 digits of the year of acceptance,
ISO 3166-1 alpha-2 country code of the single window, 13 unique alphanumerics and one
check character computed as in ISO 6346 (letters valued skipping multiples of 11).
"""

import secrets
import string

from django.conf import settings
from django.utils import timezone

_ALPHABET = string.digits + string.ascii_uppercase


def _iso6346_value(char: str) -> int:
    if char.isdigit():
        return int(char)
    value = 10
    for letter in string.ascii_uppercase:
        value += 1
        if value % 11 == 0:
            value += 1
        if letter == char:
            return value
    raise ValueError(f"not an MRN character: {char!r}")


def mrn_check_character(body: str) -> str:
    """ISO 6346 check digit of the first 17 characters of an MRN ("0"-"9"; 10 -> "0")."""
    total = sum(_iso6346_value(c) * 2**i for i, c in enumerate(body))
    return str(total % 11 % 10)


def new_mrn() -> str:
    """A fresh 18-character MRN; uniqueness is enforced by the database column."""
    year = timezone.now().strftime("%y")
    body = (
        year
        + settings.SINGLE_WINDOW_COUNTRY
        + "".join(secrets.choice(_ALPHABET) for _ in range(13))
    )
    return body + mrn_check_character(body)
