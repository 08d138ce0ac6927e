"""Building blocks of the portal's forms: Bootstrap-marked bound fields and typed fields."""

from typing import Any

from django import forms
from django.forms import BoundField

from datamodel.text import nfc

# --- form building blocks -----------------------------------------------------------------


class PortalBoundField(BoundField):
    """Adds Bootstrap's ``is-invalid`` to inputs with errors (Django adds ``aria-invalid``
    and ties the error list to the input with ``aria-describedby``)."""

    def build_widget_attrs(self, attrs: dict[str, Any], widget: Any = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        if self.errors:
            widget = widget or self.field.widget
            css = attrs.get("class", widget.attrs.get("class", ""))
            attrs["class"] = f"{css} is-invalid".strip()
        return attrs


class PortalForm(forms.Form):
    """A form styled for Bootstrap 5: ``form-select`` on selects, ``form-control`` on the
    rest, and ``is-invalid`` on fields with errors."""

    bound_field_class = PortalBoundField
    # The datamodel says what is required; browsers must not block a draft.
    use_required_attribute = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.RadioSelect):
                css = ""
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            if css:
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class TextField(forms.CharField):
    """A stripped text in Unicode NFC, so that its ``max_length`` counts characters as the
    datamodel does (``datamodel.text``: NFC before checks and storage). Control characters
    are left to the datamodel, which refuses them at the field on every channel."""

    def to_python(self, value: Any) -> str:
        return nfc(super().to_python(value))


def text_field(label: Any, max_length: int, **attrs: str) -> forms.CharField:
    return TextField(
        label=label,
        required=False,
        max_length=max_length,
        widget=forms.TextInput(attrs={"autocomplete": "off", **attrs}),
    )


def decimal_field(label: Any, **kwargs: Any) -> forms.CharField:
    # A CharField, not a DecimalField: the datamodel checks the number format and reports it
    # with the WCO pointer like any other issue, so the trader sees every problem at once.
    return TextField(
        label=label,
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        **kwargs,
    )


def select_field(label: Any, choices: Any, **kwargs: Any) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=choices, required=False, **kwargs)


class SharedOptionsSelect(forms.Select):
    """A select of a long code list that many rows of one page repeat (the country of origin
    and the currency of every goods item): the server renders only the blank and the chosen
    option, and the page holds the list once, as ``<template id="options-<list_name>">``,
    which the page's script copies into the select when it comes near the view or gets the
    focus (``static/js/declaration-form.js``). A 999-item declaration then carries two lists,
    not 2,000 (26 MB of HTML, half a minute to render, before).

    The field's ``choices`` still validate the value on the server, as for any select."""

    def __init__(self, list_name: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={**(attrs or {}), "data-options": list_name})
        self.list_name = list_name

    def optgroups(self, name: str, value: list[Any], attrs: dict[str, Any] | None = None) -> list:
        chosen = next((str(v) for v in value if v not in (None, "")), "")
        groups = []
        for index, (option_value, label) in enumerate(self.choices):
            if option_value == "" or (chosen and str(option_value) == chosen):
                selected = str(option_value) == chosen
                option = self.create_option(name, option_value, label, selected, index)
                groups.append((None, [option], index))
        return groups


def shared_select_field(label: Any, choices: Any, list_name: str) -> forms.ChoiceField:
    """A select of the long code list ``list_name`` rendered once per page (see
    ``SharedOptionsSelect``)."""
    return forms.ChoiceField(
        label=label, choices=choices, required=False, widget=SharedOptionsSelect(list_name)
    )
