"""The declaration header and goods items as labelled values for reading."""

from dataclasses import dataclass
from typing import Any

from django import forms

from .choices import choice_label
from .entry import DeclarationHeaderForm, document_initial

# --- display -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DisplayRow:
    label: str
    value: str


def header_rows(document: dict[str, Any] | None) -> list[DisplayRow]:
    """The declaration header as labelled values for reading (country and code names)."""
    header, _items = document_initial(document)
    form = DeclarationHeaderForm()
    rows = []
    for name, field in form.fields.items():
        value = header.get(name, "")
        if value and isinstance(field, forms.ChoiceField):
            value = choice_label(field.choices, value)
        rows.append(DisplayRow(str(field.label), value))
    return rows


def item_rows(document: dict[str, Any] | None) -> list[dict[str, str]]:
    """The goods items of a (draft) document as form-field-named values for reading."""
    _header, items = document_initial(document)
    return items
