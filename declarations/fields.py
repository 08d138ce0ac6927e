"""Model fields that keep amounts exactly on every database the portal runs on."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models


class ExactDecimalField(models.DecimalField):
    """A ``DecimalField`` that reads back exactly what was stored, on SQLite too.

    PostgreSQL keeps ``numeric(max_digits, decimal_places)`` exactly. SQLite has no decimal
    type: Django's ``decimal`` column has NUMERIC affinity, stored as a 15-digit REAL, so
    ``1234567890123.457`` (WCO DM 108 customs value, format n..16,3 in UCC Delegated Regulation
    Annex B) would read back as ``1234567890123.460``. On SQLite this field uses a TEXT
    column holding the canonical decimal string (Django's SQLite adapter sends ``Decimal``
    as ``str``) and turns it back into a ``Decimal`` with the field's places. Values are
    compared and summed by SQLite as numbers (text that looks like a number converts), but
    order by such a column sorts as text on SQLite: order in Python when it matters.
    """

    def get_internal_type(self) -> str:
        # Not "DecimalField": the SQLite backend would read the column through its 15-digit
        # float converter. The column type is given by ``db_type`` below.
        return "ExactDecimalField"

    def db_type(self, connection: Any) -> str | None:
        if connection.vendor == "sqlite":
            return "text"
        column_type = connection.data_types["DecimalField"]
        data = self.db_type_parameters(connection)
        # A string template, or (PostgreSQL) a function of the parameters.
        return column_type(data) if callable(column_type) else column_type % data

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Decimal | None:
        if value is None or isinstance(value, Decimal):
            return value
        try:
            # repr of a float (an aggregate on SQLite) is its shortest exact-round-trip text.
            number = Decimal(value if isinstance(value, str) else repr(value))
        except InvalidOperation:
            return None
        return number.quantize(Decimal(1).scaleb(-self.decimal_places), context=self.context)
