"""The browser form of a declaration and its mapping to the canonical WCO DM document.

The form only parses what the trader typed (text is stripped, selects must hold one of
their options); every rule about a declaration lives in ``datamodel`` and is applied by
``declarations.services``. ``HEADER_FIELDS`` and ``ITEM_FIELDS`` are the one mapping table
between form field names and JSON paths of the canonical document (see
``datamodel.dictionary``): ``DeclarationEntry.to_document`` writes through it,
``document_initial`` reads through it (to reopen a draft) and ``DeclarationEntry.add_issues``
uses it backwards to put each ``Issue`` next to the field its ``path`` concerns.
"""

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from datamodel.issues import Issue
from datamodel.rules import NATIONAL_LRN_MAX_LENGTH

from ..models import Company, DeclarationType
from .base import (
    CheckboxInput,
    PortalForm,
    SharedOptionsSelect,
    decimal_field,
    select_field,
    shared_select_field,
    text_field,
)
from .choices import (
    ADDITIONAL_DECLARATION_TYPES,
    BLANK_CHOICE,
    INCOTERMS,
    QUANTITY_UNITS,
    TRANSPORT_MODES,
    country_choices,
    currency_choices,
)


class DeclarationHeaderForm(PortalForm):
    """The declaration header: parties, countries, invoice, delivery terms, transport."""

    declaration_type = select_field(
        _("Declaration type"), DeclarationType.choices, initial=DeclarationType.IMPORT
    )
    additional_type = select_field(
        _("Additional declaration type"), ADDITIONAL_DECLARATION_TYPES, initial="A"
    )
    lrn = text_field(
        _("LRN (local reference number)"),
        NATIONAL_LRN_MAX_LENGTH,
        **{"class": "font-monospace"},
    )
    declarant_id = text_field(_("Declarant ID (EORI)"), 17)
    declarant_name = text_field(_("Declarant name"), 70)
    importer_id = text_field(_("Importer ID (EORI)"), 17)
    importer_name = text_field(_("Importer name"), 70)
    importer_country = select_field(_("Importer country"), country_choices)
    exporter_id = text_field(_("Exporter ID"), 17)
    exporter_name = text_field(_("Exporter name"), 70)
    exporter_country = select_field(_("Exporter country"), country_choices)
    export_country = select_field(_("Country of export"), country_choices)
    destination_country = select_field(_("Country of destination"), country_choices)
    invoice_amount = decimal_field(_("Invoice amount"))
    invoice_currency = select_field(_("Invoice currency"), currency_choices)
    incoterm = select_field(_("Incoterm"), BLANK_CHOICE + INCOTERMS)
    transport_mode = select_field(
        _("Mode of transport at the border"), BLANK_CHOICE + TRANSPORT_MODES
    )
    exit_office = text_field(_("Customs office of exit"), 17, **{"class": "font-monospace"})
    goods_location = text_field(_("Location of goods (DE 5/23)"), 35, **{"class": "font-monospace"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lrn"].help_text = _(
            "Your own reference for this declaration, unique within your company: up to "
            "%(max)s letters, digits, spaces or _ . / -."
        ) % {"max": NATIONAL_LRN_MAX_LENGTH}
        self.fields["exit_office"].help_text = _(
            "Exports only: the office where the goods leave, e.g. GB000040 (Dover)."
        )
        self.fields["goods_location"].help_text = _(
            "Where customs can examine the goods: the location code, e.g. GBAUFXTFXTFXT or "
            "FXTFXTFXT (Felixstowe)."
        )
        self.fields["declarant_id"].help_text = _(
            "The EORI of your company, which lodges the declaration, also when it acts for "
            "the importer or exporter."
        )


class GoodsItemForm(PortalForm):
    """One goods item (WCO DM GovernmentAgencyGoodsItem)."""

    hs_code = text_field(
        _("HS code"), 12, inputmode="numeric", **{"class": "font-monospace", "size": "10"}
    )
    description = text_field(_("Description of goods"), 512)
    origin_country = shared_select_field(_("Country of origin"), country_choices, "countries")
    net_mass = decimal_field(_("Net mass (kg)"))
    gross_mass = decimal_field(_("Gross mass (kg)"))
    quantity = decimal_field(_("Quantity"))
    quantity_unit = select_field(_("Unit"), QUANTITY_UNITS, initial="KGM")
    customs_value = decimal_field(_("Customs value"))
    customs_value_currency = shared_select_field(
        _("Currency of the customs value"), currency_choices, "currencies"
    )
    procedure_current = text_field(
        _("Procedure code (DE 1/10)"), 2, inputmode="numeric", **{"class": "font-monospace"}
    )
    procedure_previous = text_field(
        _("Previous procedure (DE 1/10)"), 2, inputmode="numeric", **{"class": "font-monospace"}
    )
    packages = decimal_field(_("Number of packages (DE 6/10)"))
    package_type = text_field(
        _("Type of packages (DE 6/9)"), 2, **{"class": "font-monospace", "size": "3"}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["procedure_current"].help_text = _(
            "The procedure the goods enter and the one they come from, e.g. 40 and 00 "
            "(release for free circulation, no previous procedure)."
        )
        self.fields["package_type"].help_text = _("UN/ECE Rec. 21 code, e.g. BG (bag), CT.")


class BaseGoodsItemFormSet(forms.BaseFormSet):
    """Goods items, any number; the ``DELETE`` box removes one (the page's script turns it
    into a "Remove item" button)."""

    deletion_widget = CheckboxInput(attrs={"class": "form-check-input js-delete-item"})

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        form.fields["DELETE"].label = _("Remove this goods item")


def shared_option_lists() -> list[tuple[str, list[tuple[str, Any]]]]:
    """The long code lists of the goods item rows, once for the page: ``(list name,
    choices)`` for each ``SharedOptionsSelect`` of ``GoodsItemForm``, choices in the active
    language."""
    lists = {}
    for field in GoodsItemForm.base_fields.values():
        widget = field.widget
        if isinstance(widget, SharedOptionsSelect) and isinstance(field, forms.ChoiceField):
            lists.setdefault(widget.list_name, list(field.choices))
    return list(lists.items())


GoodsItemFormSet = forms.formset_factory(
    GoodsItemForm,
    formset=BaseGoodsItemFormSet,
    extra=0,
    can_delete=True,
    max_num=999,  # WCO DM 68A: at most 999 goods items.
    absolute_max=999,
)
ITEMS_PREFIX = "items"

Path = tuple[str | int, ...]


# --- the mapping table ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FieldPath:
    """One form field and the canonical JSON path of its value (below ``/Declaration`` for
    header fields, below ``/Declaration/GoodsShipment/GovernmentAgencyGoodsItem/{i}`` for
    goods item fields). ``fixed`` are sibling leaves written with the value (unit codes,
    identification type codes)."""

    field: str
    path: Path
    fixed: tuple[tuple[str, str], ...] = ()


DECLARATION: Path = ("Declaration",)
GOODS_ITEMS: Path = ("Declaration", "GoodsShipment", "GovernmentAgencyGoodsItem")
KILOGRAMS = (("unitCode", "KGM"),)

# Header: relative to /Declaration. TypeCode (D013) is declaration_type + additional_type.
HEADER_FIELDS: tuple[FieldPath, ...] = (
    FieldPath("declaration_type", ("TypeCode",)),
    FieldPath("lrn", ("FunctionalReferenceID",)),
    FieldPath("invoice_amount", ("InvoiceAmount", "value")),
    FieldPath("invoice_currency", ("InvoiceAmount", "currencyID")),
    FieldPath("exit_office", ("ExitOffice", "ID")),
    FieldPath("transport_mode", ("BorderTransportMeans", "ModeCode")),
    FieldPath("declarant_id", ("Declarant", "ID")),
    FieldPath("declarant_name", ("Declarant", "Name")),
    FieldPath("exporter_id", ("Exporter", "ID")),
    FieldPath("exporter_name", ("Exporter", "Name")),
    FieldPath("exporter_country", ("Exporter", "Address", "CountryCode")),
    FieldPath("importer_id", ("GoodsShipment", "Importer", "ID")),
    FieldPath("importer_name", ("GoodsShipment", "Importer", "Name")),
    FieldPath("importer_country", ("GoodsShipment", "Importer", "Address", "CountryCode")),
    FieldPath("export_country", ("GoodsShipment", "ExportCountry", "ID")),
    FieldPath("destination_country", ("GoodsShipment", "Destination", "CountryCode")),
    FieldPath("incoterm", ("GoodsShipment", "TradeTerms", "ConditionCode")),
    FieldPath("goods_location", ("GoodsShipment", "Consignment", "GoodsLocation", "Name")),
)

# Goods item: relative to /Declaration/GoodsShipment/GovernmentAgencyGoodsItem/{i}.
ITEM_FIELDS: tuple[FieldPath, ...] = (
    FieldPath(
        "hs_code", ("Commodity", "Classification", 0, "ID"), (("IdentificationTypeCode", "HS"),)
    ),
    FieldPath("description", ("Commodity", "Description")),
    FieldPath("origin_country", ("Origin", 0, "CountryCode")),
    FieldPath("net_mass", ("Commodity", "GoodsMeasure", "NetNetWeightMeasure", "value"), KILOGRAMS),
    FieldPath("gross_mass", ("Commodity", "GoodsMeasure", "GrossMassMeasure", "value"), KILOGRAMS),
    FieldPath("quantity", ("Commodity", "GoodsMeasure", "TariffQuantity", "value")),
    FieldPath("quantity_unit", ("Commodity", "GoodsMeasure", "TariffQuantity", "unitCode")),
    FieldPath("customs_value", ("CustomsValueAmount", "value")),
    FieldPath("customs_value_currency", ("CustomsValueAmount", "currencyID")),
    # WCO DM GovernmentProcedure (DE 1/10: requested procedure 2 digits + previous 2 digits).
    FieldPath("procedure_current", ("GovernmentProcedure", 0, "CurrentCode")),
    FieldPath("procedure_previous", ("GovernmentProcedure", 0, "PreviousCode")),
    # WCO DM Packaging, the item's first (DE 6/9 type, 6/10 number); numbered 1.
    FieldPath("packages", ("Packaging", 0, "QuantityQuantity", "value")),
    FieldPath("package_type", ("Packaging", 0, "TypeCode")),
)

# Fields written only together with a value (a unit alone is not a quantity).
_COMPANION_OF = {"quantity_unit": "quantity"}

_PRESET_ITEM_FIELDS = {"quantity_unit", "customs_value_currency"}

# Containers whose issues concern the declaration as a whole, not one of their fields.
_WHOLE_DECLARATION = {(), DECLARATION, DECLARATION + ("GoodsShipment",), GOODS_ITEMS}


def _get(data: Any, path: Sequence[str | int]) -> Any:
    for part in path:
        if isinstance(part, int):
            if not isinstance(data, list) or len(data) <= part:
                return None
            data = data[part]
        else:
            if not isinstance(data, dict):
                return None
            data = data.get(part)
    return data


def _set(data: dict[str, Any], path: Sequence[str | int], value: Any) -> None:
    """Set ``value`` at ``path``, creating objects and one-entry arrays on the way."""
    node: Any = data
    for part, following in zip(path, path[1:], strict=False):
        if isinstance(following, int):
            if isinstance(part, int):
                node = node[part]
            else:
                if not isinstance(node.get(part), list):
                    node[part] = []
                node = node[part]
            while len(node) <= following:
                node.append({})
        elif isinstance(part, int):
            if not isinstance(node[part], dict):
                node[part] = {}
            node = node[part]
        else:
            if not isinstance(node.get(part), dict):
                node[part] = {}
            node = node[part]
    node[path[-1]] = value


def _remove(data: dict[str, Any], path: Sequence[str | int]) -> None:
    """Delete the leaf at ``path`` and every container left empty by it."""
    parents = [data]
    for part in path[:-1]:
        nxt = _get(parents[-1], (part,))
        if not isinstance(nxt, dict | list):
            return
        parents.append(nxt)
    for node, part in zip(reversed(parents), reversed(path), strict=True):
        if isinstance(node, dict):
            node.pop(part, None)
        elif isinstance(part, int) and part < len(node) and not node[part]:
            node.pop(part)
        if node:
            break


def _write(target: dict[str, Any], mapping: Iterable[FieldPath], values: dict[str, Any]) -> None:
    for entry in mapping:
        value = values.get(entry.field) or ""
        companion = _COMPANION_OF.get(entry.field)
        if companion and not values.get(companion):
            value = ""
        if value:
            current = _get(target, entry.path)
            if isinstance(current, dict) and "value" in current:
                # A leaf sent with XML attributes (languageID, listID...): keep them.
                current["value"] = value
            else:
                _set(target, entry.path, value)
            for name, fixed in entry.fixed:
                _set(target, entry.path[:-1] + (name,), fixed)
        else:
            for name, _fixed in entry.fixed:
                _remove(target, entry.path[:-1] + (name,))
            _remove(target, entry.path)


def _number_packaging(item: dict[str, Any]) -> None:
    """The form's packaging is the item's first (WCO DM 68A/137, SequenceNumeric 006)."""
    packaging = item.get("Packaging")
    if isinstance(packaging, list) and packaging and isinstance(packaging[0], dict):
        packaging[0].setdefault("SequenceNumeric", "1")


def _read(source: Any, mapping: Iterable[FieldPath]) -> dict[str, str]:
    values = {}
    for entry in mapping:
        value = _get(source, entry.path)
        if isinstance(value, dict):  # a leaf with XML attributes: {"value": ..., attr: ...}
            value = value.get("value")
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            values[entry.field] = str(value)
    return values


def document_initial(document: dict[str, Any] | None) -> tuple[dict[str, str], list[dict]]:
    """The reverse mapping: form initial data (header, goods items) from a stored document."""
    declaration = _get(document or {}, DECLARATION) or {}
    header = _read(declaration, HEADER_FIELDS)
    type_code = header.pop("declaration_type", "")
    if type_code:
        header["declaration_type"] = type_code[:2]
        header["additional_type"] = type_code[2:3]
    items = _get(document or {}, GOODS_ITEMS)
    rows = [_read(item, ITEM_FIELDS) for item in items] if isinstance(items, list) else []
    return header, rows


def parse_path(pointer: str) -> Path:
    """RFC 6901 JSON pointer -> parts, with array indexes as ints."""
    if not pointer:
        return ()
    parts: list[str | int] = []
    for raw in pointer.lstrip("/").split("/"):
        part = raw.replace("~1", "/").replace("~0", "~")
        parts.append(int(part) if part.isdigit() else part)
    return tuple(parts)


def _field_for(path: Path, mapping: Sequence[FieldPath]) -> str | None:
    """The form field an issue at ``path`` concerns: the field at that path (or below a
    value object such as an amount), else the first field inside the element the issue
    names (a missing ``Declarant`` is shown at the declarant ID)."""
    if not path:
        return None
    for entry in mapping:
        if entry.path == path or entry.path[:-1] + ("value",) == path + ("value",):
            return entry.field
    for entry in mapping:
        if path[: len(entry.path)] == entry.path:
            return entry.field
        if any(path == entry.path[:-1] + (name,) for name, _fixed in entry.fixed):
            return entry.field
    for entry in mapping:
        if entry.path[: len(path)] == path:
            return entry.field
    return None


# --- the form as a whole -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SummaryError:
    """One line of the error summary: what is wrong, and the input it links to (if any)."""

    message: str
    label: str = ""
    field_id: str = ""
    pointer: str = ""
    code: str = ""


@dataclass(frozen=True, slots=True)
class ItemRow:
    form: forms.Form
    number: int
    deleted: bool


class DeclarationEntry:
    """The declaration form of the browser: header form + goods item formset.

    ``data`` is the POST (bound) or ``None``; ``document`` (a draft's stored document) fills
    an unbound form and is the base that a bound form is written over, so elements the form
    does not show (entered through the API, say) survive an edit in the browser.
    ``declarant``: the trader's company, to fill in as the declarant of a new declaration
    (the service refuses any other declarant; the field stays editable like the rest).
    """

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        document: dict[str, Any] | None = None,
        declarant: Company | None = None,
        add_item: bool = False,
    ) -> None:
        # A draft stored through the API may hold anything; only an object is built on.
        self.base = copy.deepcopy(document) if isinstance(document, dict) else {}
        header, items = document_initial(document)
        if document is None and declarant is not None:
            header = {"declarant_id": declarant.eori, "declarant_name": declarant.name}
        if data is not None and add_item:
            # Without JavaScript the "Add item" button posts the form: show one more row.
            # A count that is not a number is left for the formset to refuse.
            key = f"{ITEMS_PREFIX}-TOTAL_FORMS"
            total = (data.get(key) or "0").strip()
            if total.isascii() and total.isdigit():
                data = data.copy()
                data[key] = str(int(total) + 1)
        if data is None and not items:
            items = [{}]
        self.header = DeclarationHeaderForm(data, initial=header or None)
        self.items = GoodsItemFormSet(data, initial=items, prefix=ITEMS_PREFIX)
        self.unplaced: list[Issue] = []
        # The issue behind each error placed at a field, by (form prefix, field, message),
        # so the summary names its WCO pointer and code as the API does.
        self._placed: dict[tuple[str, str, str], Issue] = {}
        self._kept: list[forms.Form] = []

    def is_valid(self) -> bool:
        """Whether the input could be parsed (not whether the declaration is valid)."""
        header_ok = self.header.is_valid()
        items_ok = self.items.is_valid()
        return header_ok and items_ok

    def _item_has_content(self, form: forms.Form) -> bool:
        data = form.cleaned_data
        # Selects that come preset (unit, currency) do not make a row the trader typed in.
        return any(data.get(f.field) for f in ITEM_FIELDS if f.field not in _PRESET_ITEM_FIELDS)

    def to_document(self) -> dict[str, Any]:
        """The canonical document (after ``is_valid``), written over the stored one."""
        document = copy.deepcopy(self.base)
        if not isinstance(document.get("Declaration"), dict):
            document["Declaration"] = {}
        declaration = document["Declaration"]
        header = dict(self.header.cleaned_data)
        type_code = header.get("declaration_type") or ""
        header["declaration_type"] = type_code + (header.get("additional_type") or "")
        if not declaration.get("FunctionCode"):
            declaration["FunctionCode"] = "9"  # WCO DM 017: original
        _write(declaration, HEADER_FIELDS, header)

        stored = _get(document, GOODS_ITEMS)
        stored = stored if isinstance(stored, list) else []
        kept = [
            (index, form)
            for index, form in enumerate(self.items.forms)
            if not form.cleaned_data.get("DELETE") and self._item_has_content(form)
        ]
        self._kept = [form for _index, form in kept]
        goods_items = []
        for number, (index, form) in enumerate(kept, start=1):
            # Forms of the reopened draft stand for its stored items; new rows start empty.
            is_stored = index < min(len(stored), self.items.initial_form_count())
            item = copy.deepcopy(stored[index]) if is_stored else {}
            if not isinstance(item, dict):
                item = {}
            item["SequenceNumeric"] = str(number)
            _write(item, ITEM_FIELDS, form.cleaned_data)
            _number_packaging(item)
            goods_items.append(item)
        if goods_items:
            _set(document, GOODS_ITEMS, goods_items)
        else:
            _remove(document, GOODS_ITEMS)
        declaration["GoodsItemQuantity"] = {"value": str(len(goods_items))}
        return document

    def add_issues(self, issues: Iterable[Issue]) -> None:
        """Show each issue next to the field (and goods item row) its ``path`` concerns;
        the others go to the summary with their WCO pointer."""
        if not self._kept and self.header.is_bound:
            self.to_document()
        for issue in issues:
            path = parse_path(issue.path)
            if path[: len(GOODS_ITEMS)] == GOODS_ITEMS and len(path) > len(GOODS_ITEMS):
                index = path[len(GOODS_ITEMS)]
                if isinstance(index, int) and index < len(self._kept):
                    form = self._kept[index]
                    field = _field_for(path[len(GOODS_ITEMS) + 1 :], ITEM_FIELDS)
                    form.add_error(field, str(issue.message))
                    self._placed[(form.prefix, field or "", str(issue.message))] = issue
                    continue
            elif path[: len(DECLARATION)] == DECLARATION and path not in _WHOLE_DECLARATION:
                field = _field_for(path[len(DECLARATION) :], HEADER_FIELDS)
                if field:
                    self.header.add_error(field, str(issue.message))
                    self._placed[("", field, str(issue.message))] = issue
                    continue
            self.unplaced.append(issue)

    def item_numbers(self) -> dict[str, int]:
        """The number each goods item row shows ("Goods item 2"), by form prefix; rows
        marked for removal get none."""
        numbers: dict[str, int] = {}
        for form in self.items.forms:
            if not (form.is_bound and form["DELETE"].data):
                numbers[form.prefix] = len(numbers) + 1
        return numbers

    def item_rows(self) -> list[ItemRow]:
        """The goods item rows to render, with their numbers; removed rows stay (hidden) so
        their removal is posted again."""
        numbers = self.item_numbers()
        return [
            ItemRow(form, numbers.get(form.prefix, 0), form.prefix not in numbers)
            for form in self.items.forms
        ]

    def error_summary(self) -> list[SummaryError]:
        """Every error on the page, in page order, for the summary at its top."""
        lines: list[SummaryError] = []
        for issue in self.unplaced:
            lines.append(
                SummaryError(message=str(issue.message), pointer=issue.pointer, code=issue.code)
            )
        for error in self.header.non_field_errors():
            lines.append(SummaryError(message=str(error)))
        for error in self.items.non_form_errors():
            lines.append(SummaryError(message=str(error)))
        for name, field in self.header.fields.items():
            for error in self.header.errors.get(name, []):
                lines.append(
                    self._summary_line(str(error), str(field.label), self.header[name], "", name)
                )
        numbers = self.item_numbers()
        for form in self.items.forms:
            number = numbers.get(form.prefix, 0)
            for error in form.non_field_errors():
                lines.append(
                    SummaryError(
                        str(error),
                        str(_("Goods item %(number)s") % {"number": number}),
                        form.prefix,
                    )
                )
            for name, field in form.fields.items():
                for error in form.errors.get(name, []):
                    label = _("Goods item %(number)s: %(field)s") % {
                        "number": number,
                        "field": field.label,
                    }
                    lines.append(
                        self._summary_line(str(error), str(label), form[name], form.prefix, name)
                    )
        return lines

    def _summary_line(
        self, error: str, label: str, bound: forms.BoundField, prefix: str, name: str
    ) -> SummaryError:
        issue = self._placed.get((prefix, name, error))
        return SummaryError(
            error,
            label,
            bound.auto_id,
            pointer=issue.pointer if issue else "",
            code=issue.code if issue else "",
        )
