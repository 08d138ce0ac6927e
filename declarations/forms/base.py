"""Building blocks of the portal's forms: Bootstrap-marked bound fields and typed fields."""

from typing import Any

from django import forms
from django.forms import BoundField
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

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


# --- widgets rendered without the template engine ------------------------------------------
#
# A 999-item declaration has 14,000 goods item inputs; Django's widget templates took two
# thirds of the page's render time. These widgets write the same HTML as Django's
# ``input.html``, ``select.html`` and ``select_option.html`` (attrs as ``attrs.html``:
# ``False`` left out, ``True`` bare) straight from the widget context.


def _attrs_html(attrs: dict[str, Any]) -> str:
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {conditional_escape(name)}")
        else:
            out.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(out)


class DirectInputMixin:
    """``<input>`` widgets written directly (see above)."""

    def _render(self, template_name: str, context: dict[str, Any], renderer: Any = None) -> str:
        widget = context["widget"]
        value = widget["value"]
        value_html = "" if value is None else f' value="{conditional_escape(str(value))}"'
        return mark_safe(
            f'<input type="{conditional_escape(widget["type"])}" '
            f'name="{conditional_escape(widget["name"])}"{value_html}'
            f"{_attrs_html(widget['attrs'])}>"
        )


class DirectSelectMixin:
    """``<select>`` widgets (without option groups) written directly (see above)."""

    def _render(self, template_name: str, context: dict[str, Any], renderer: Any = None) -> str:
        widget = context["widget"]
        parts = [f'<select name="{conditional_escape(widget["name"])}"']
        parts.append(_attrs_html(widget["attrs"]) + ">")
        for group_name, options, _index in widget["optgroups"]:
            if group_name:  # not used by these selects; Django's template if it ever is
                return super()._render(template_name, context, renderer)  # type: ignore[misc]
            for option in options:
                parts.append(
                    f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                    f"{_attrs_html(option['attrs'])}>{conditional_escape(option['label'])}"
                    "</option>\n"
                )
        parts.append("\n</select>")
        return SafeString("".join(parts))


class TextInput(DirectInputMixin, forms.TextInput):
    pass


class CheckboxInput(DirectInputMixin, forms.CheckboxInput):
    pass


class Select(DirectSelectMixin, forms.Select):
    pass


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
        widget=TextInput(attrs={"autocomplete": "off", **attrs}),
    )


def decimal_field(label: Any, **kwargs: Any) -> forms.CharField:
    # A CharField, not a DecimalField: the datamodel checks the number format and reports it
    # with the WCO pointer like any other issue, so the trader sees every problem at once.
    return TextField(
        label=label,
        required=False,
        max_length=40,
        widget=TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        **kwargs,
    )


def select_field(label: Any, choices: Any, **kwargs: Any) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=choices, required=False, widget=Select, **kwargs)


class SharedOptionsSelect(Select):
    """A select of a long code list that many rows of one page repeat (the country of origin
    and the currency of every goods item): the server renders only the blank and the chosen
    option, and the page holds the list once, as ``<template id="options-<list_name>">``,
    which the page's script copies into the select when it comes near the view or gets the
    focus (``static/js/declaration-form.js``). A 999-item declaration then carries two lists,
    not 2,000 (26 MB of HTML, half a minute to render, before).

    ``choices`` is the code list's function (``country_choices``), called once per language
    for an index by code; the field (``SharedChoiceField``) validates through the same index.
    """

    def __init__(self, list_name: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={**(attrs or {}), "data-options": list_name})
        self.list_name = list_name

    def optgroups(self, name: str, value: list[Any], attrs: dict[str, Any] | None = None) -> list:
        chosen = next((str(v) for v in value if v not in (None, "")), "")
        index = choice_index(self.choices)
        groups = []
        for code in ("", chosen) if chosen else ("",):
            if code in index:
                position, label = index[code]
                option = self.create_option(name, code, label, code == chosen, position)
                groups.append((None, [option], position))
        return groups


def choice_index(choices: Any) -> dict[str, tuple[int, Any]]:
    """``{code: (position, label)}`` of a flat code list, built once per list function and
    language (the lists are read-only for the life of the process)."""
    func = getattr(choices, "func", None)
    if func is None:
        return {str(code): (i, label) for i, (code, label) in enumerate(choices)}
    key = (func, get_language())
    index = _CHOICE_INDEXES.get(key)
    if index is None:
        index = {str(code): (i, label) for i, (code, label) in enumerate(choices)}
        _CHOICE_INDEXES[key] = index
    return index


_CHOICE_INDEXES: dict[tuple[Any, str | None], dict[str, tuple[int, Any]]] = {}


class SharedChoiceField(forms.ChoiceField):
    """A ``ChoiceField`` of a long flat code list, checked by index, not by a walk through
    the list for each of a thousand goods items."""

    def valid_value(self, value: Any) -> bool:
        return str(value) in choice_index(self.choices)


def shared_select_field(label: Any, choices: Any, list_name: str) -> forms.ChoiceField:
    """A select of the long code list ``list_name`` rendered once per page (see
    ``SharedOptionsSelect``)."""
    return SharedChoiceField(
        label=label, choices=choices, required=False, widget=SharedOptionsSelect(list_name)
    )
