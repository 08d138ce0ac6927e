"""Rows and a summary taken out of a canonical declaration, for storage and routing.

``goods_item_rows(document)`` gives one ``GoodsItemRow`` per GovernmentAgencyGoodsItem
(WCO DM 68A); ``declaration_summary(document)`` the header facts the declarations app files
a declaration by. Both read the canonical shape of ``datamodel.dictionary`` and never raise:
the summary is also taken of drafts, which may be half-filled or of the wrong shape, and
then has empty values where the document has none.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from datamodel.rules import HS_CLASSIFICATION_TYPES

MAX_HS_CODE_LENGTH = 10


@dataclass(frozen=True, slots=True)
class GoodsItemRow:
    """One goods item as a row.

    ``sequence``: goods item number (WCO 006, DE 1/6); ``hs_code``: digits of the commodity
    code (WCO 145), at most 10; ``origin_country``: ISO 3166-1 alpha-2 or ``EU`` (WCO 063);
    ``net_mass_kg`` / ``gross_mass_kg``: kilograms (WCO 128 / 126); ``quantity`` and
    ``quantity_unit``: the tariff quantity and its UN/ECE Rec. 20 unit (WCO 130);
    ``customs_value`` in ``currency`` (WCO 108, ISO 4217). Absent facts are ``None`` or ``""``.
    """

    sequence: int
    hs_code: str
    description: str
    origin_country: str
    net_mass_kg: Decimal | None
    gross_mass_kg: Decimal | None
    quantity: Decimal | None
    quantity_unit: str
    customs_value: Decimal | None
    currency: str


@dataclass(frozen=True, slots=True)
class DeclarationSummary:
    """The header facts of a declaration (``""``/``None``/0 where the document has none).

    ``lrn``: WCO D026 (DE 2/5); ``type_code``: the first two characters of WCO D013 (IM,
    EX, CO: DE 1/1); ``additional_type``: its third (DE 1/2); ``function_code``: WCO 017
    (9 original, 13 request); ``declarant_id`` / ``importer_id`` / ``exporter_id``: WCO
    R123 / R038 / R032 (EORI numbers); ``invoice_amount`` in ``currency`` (WCO 109);
    ``goods_item_count``: the number of goods items in the document.
    """

    lrn: str
    type_code: str
    additional_type: str
    function_code: str
    declarant_id: str
    importer_id: str
    exporter_id: str
    invoice_amount: Decimal | None
    currency: str
    goods_item_count: int


def _at(node: Any, *path: str | int) -> Any:
    for part in path:
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
        else:
            node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            return None
    return node


def _text(node: Any) -> str:
    """The text of a leaf (``{"value": ...}`` unwrapped), ``""`` when it is not text."""
    if isinstance(node, dict):
        node = node.get("value")
    return node.strip() if isinstance(node, str) else ""


def _attribute(node: Any, name: str) -> str:
    value = node.get(name) if isinstance(node, dict) else None
    return value.strip() if isinstance(value, str) else ""


def _decimal(node: Any) -> Decimal | None:
    text = _text(node)
    if not text or len(text) > 40:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _list(node: Any) -> list[Any]:
    return node if isinstance(node, list) else []


def _declaration(document: Any) -> dict[str, Any]:
    declaration = _at(document, "Declaration")
    return declaration if isinstance(declaration, dict) else {}


def invoice_currency(declaration: dict[str, Any]) -> str:
    """The declaration's currency: ``InvoiceAmount``'s, else the first exchange's."""
    return _attribute(declaration.get("InvoiceAmount"), "currencyID") or _text(
        _at(declaration, "CurrencyExchange", 0, "CurrencyTypeCode")
    )


def hs_code(commodity: Any) -> str:
    """Digits of the first HS-like classification (type HS, TSP or none), else of the first
    classification if it is all digits; at most 10, ``""`` if there is none."""
    classifications = [c for c in _list(_at(commodity, "Classification")) if isinstance(c, dict)]
    hs_like = [
        c
        for c in classifications
        if (_text(c.get("IdentificationTypeCode")) or "HS") in HS_CLASSIFICATION_TYPES
    ]
    for classification in hs_like[:1] or classifications[:1]:
        code = _text(classification.get("ID"))
        if code.isascii() and code.isdigit() and len(code) <= MAX_HS_CODE_LENGTH:
            return code
    return ""


def goods_item_rows(document: dict[str, Any]) -> list[GoodsItemRow]:
    """One row per GovernmentAgencyGoodsItem of a canonical ``document``, in document order.

    ``sequence`` is the item's SequenceNumeric, or its position (from 1) where that is
    missing. ``currency`` is the customs value's ``currencyID``, else the declaration's.
    """
    declaration = _declaration(document)
    header_currency = invoice_currency(declaration)
    rows = []
    items = _list(_at(declaration, "GoodsShipment", "GovernmentAgencyGoodsItem"))
    for position, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            continue
        commodity = item.get("Commodity")
        measures = _at(commodity, "GoodsMeasure")
        tariff_quantity = _at(measures, "TariffQuantity")
        value = item.get("CustomsValueAmount")
        sequence = _text(item.get("SequenceNumeric"))
        origin = _text(_at(item, "Origin", 0, "CountryCode"))
        rows.append(
            GoodsItemRow(
                sequence=int(sequence) if sequence.isascii() and sequence.isdigit() else position,
                hs_code=hs_code(commodity),
                description=_text(_at(commodity, "Description")),
                origin_country=origin if len(origin) == 2 else "",
                net_mass_kg=_decimal(_at(measures, "NetNetWeightMeasure")),
                gross_mass_kg=_decimal(_at(measures, "GrossMassMeasure")),
                quantity=_decimal(tariff_quantity),
                quantity_unit=_attribute(tariff_quantity, "unitCode"),
                customs_value=_decimal(value),
                currency=_attribute(value, "currencyID") or header_currency,
            )
        )
    return rows


def declaration_summary(document: object) -> DeclarationSummary:
    """The header facts of ``document`` (canonical, a draft, or anything else)."""
    declaration = _declaration(document)
    type_code = _text(declaration.get("TypeCode")).upper()
    return DeclarationSummary(
        lrn=_text(declaration.get("FunctionalReferenceID")),
        type_code=type_code[:2],
        additional_type=type_code[2:3],
        function_code=_text(declaration.get("FunctionCode")),
        declarant_id=_text(_at(declaration, "Declarant", "ID")),
        importer_id=_text(_at(declaration, "GoodsShipment", "Importer", "ID")),
        exporter_id=_text(_at(declaration, "Exporter", "ID")),
        invoice_amount=_decimal(declaration.get("InvoiceAmount")),
        currency=invoice_currency(declaration),
        goods_item_count=len(_list(_at(declaration, "GoodsShipment", "GovernmentAgencyGoodsItem"))),
    )


@dataclass(frozen=True, slots=True)
class ItemControls:
    """What border agencies' routing looks at in one goods item beyond its row.

    ``procedure_code``: requested + previous procedure (DE 1/10, WCO 1/10 CurrentCode +
    PreviousCode: 4 characters, or 2 when no previous is given); ``document_codes``: the
    DE 2/3 codes (AdditionalDocument CategoryCode + TypeCode, e.g. ``C640``, ``Y929``) of
    the documents on the item and on the header (a header document covers every item).
    """

    procedure_code: str
    document_codes: frozenset[str]


@dataclass(frozen=True, slots=True)
class ShipmentControls:
    """The shipment facts routing looks at: ``export_country`` (WCO 062, ExportCountry/ID)
    and ``destination_country`` (WCO 014, Destination/CountryCode), ISO 3166-1 alpha-2 or
    ``""``; ``items``: ``ItemControls`` by goods item sequence (as ``goods_item_rows``)."""

    export_country: str
    destination_country: str
    items: dict[int, ItemControls]


def _document_codes(node: Any) -> set[str]:
    codes = set()
    for document in _list(_at(node, "AdditionalDocument")):
        code = (_text(_at(document, "CategoryCode")) + _text(_at(document, "TypeCode"))).upper()
        if code:
            codes.add(code)
    return codes


def shipment_controls(document: object) -> ShipmentControls:
    """The routing facts of a canonical ``document``; never raises (empty where absent)."""
    declaration = _declaration(document)
    shipment = _at(declaration, "GoodsShipment")
    header_documents = _document_codes(declaration)
    items: dict[int, ItemControls] = {}
    for position, item in enumerate(_list(_at(shipment, "GovernmentAgencyGoodsItem")), start=1):
        if not isinstance(item, dict):
            continue
        sequence = _text(item.get("SequenceNumeric"))
        number = int(sequence) if sequence.isascii() and sequence.isdigit() else position
        procedure = _at(item, "GovernmentProcedure", 0)
        current = _text(_at(procedure, "CurrentCode"))
        items[number] = ItemControls(
            procedure_code=(current + _text(_at(procedure, "PreviousCode")) if current else ""),
            document_codes=frozenset(header_documents | _document_codes(item)),
        )
    export = _text(_at(shipment, "ExportCountry", "ID"))
    destination = _text(_at(shipment, "Destination", "CountryCode"))
    return ShipmentControls(
        export_country=export if len(export) == 2 else "",
        destination_country=destination if len(destination) == 2 else "",
        items=items,
    )


def _document_references(node: Any) -> dict[str, str]:
    references: dict[str, str] = {}
    for document in _list(_at(node, "AdditionalDocument")):
        code = (_text(_at(document, "CategoryCode")) + _text(_at(document, "TypeCode"))).upper()
        if code and code not in references:
            references[code] = _text(_at(document, "ID"))
    return references


def document_references(document: object) -> dict[int, dict[str, str]]:
    """The reference the trader gave with each document code (DE 2/3: AdditionalDocument
    CategoryCode + TypeCode -> ID, WCO D005; e.g. the statement given with a ``Y`` code)
    of each goods item, by item sequence (as ``goods_item_rows``): the item's own
    documents, then the header's (which cover every item). ``""`` when no ID was given;
    the first document of a code wins. Never raises."""
    declaration = _declaration(document)
    header = _document_references(declaration)
    shipment = _at(declaration, "GoodsShipment")
    result: dict[int, dict[str, str]] = {}
    for position, item in enumerate(_list(_at(shipment, "GovernmentAgencyGoodsItem")), start=1):
        if not isinstance(item, dict):
            continue
        sequence = _text(item.get("SequenceNumeric"))
        number = int(sequence) if sequence.isascii() and sequence.isdigit() else position
        result[number] = {**header, **_document_references(item)}
    return result
