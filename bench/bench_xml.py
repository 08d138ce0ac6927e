"""XML import benchmark: our whole import path against bare lxml parse + XSD validation.

For every sample declaration in ``../shared/wcodm/samples`` (root ``MetaData`` holding a
``Declaration``) and for a generated declaration of 999 goods items, it times:

- ``bare``: ``lxml.etree.fromstring`` with an explicit parser + ``XMLSchema.validate``
  (same schema object), the floor any XML import pays;
- ``import``: ``datamodel.xmlio.declaration_from_xml`` (safe parse with limits, XSD with
  error mapping, conversion to the canonical dict, ``validate_declaration``);

and prints the CPU time per declaration, the ratio import/bare, the ratio of the XML
layer alone (parse + XSD + conversion, without ``validate_declaration``) to bare, and where
the import's time goes. Goal: import within 3x of bare. Run from the project root::

    .venv/bin/python bench/bench_xml.py [--repeat 5]
"""

import argparse
import copy
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "singlewindow.settings")

import django  # noqa: E402

django.setup()

from lxml import etree  # noqa: E402

from datamodel import validate_declaration  # noqa: E402
from datamodel.xmlio import (  # noqa: E402
    declaration_from_xml,
    declaration_schema,
    declaration_to_xml,
    document_from_xml_tree,
    parse_declaration_xml,
    schema_issues,
)

SAMPLES = ROOT.parent / "shared" / "wcodm" / "samples"
MD = "{urn:wco:datamodel:WCO:DocumentMetaData-DMS:2}"
DEC = "{urn:wco:datamodel:WCO:DEC-DMS:2}"


def sample_declarations() -> list[bytes]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    out = []
    for path in sorted(SAMPLES.rglob("*")):
        if not path.is_file() or path.suffix.lower() != ".xml":
            continue
        raw = path.read_bytes()
        try:
            root = etree.fromstring(raw, parser)
        except etree.XMLSyntaxError:
            continue
        if root.tag == f"{MD}MetaData" and root.find(f"{DEC}Declaration") is not None:
            out.append(raw)
    return out


def declaration_of_999_items(samples: list[bytes]) -> bytes:
    """The sample with the richest goods item, its item repeated as items 1..999."""
    documents = []
    for raw in samples:
        parsed = parse_declaration_xml(raw)
        assert parsed.root is not None
        documents.append(document_from_xml_tree(parsed.root))

    def item_size(document: dict[str, Any]) -> int:
        items = document["Declaration"].get("GoodsShipment", {}).get("GovernmentAgencyGoodsItem")
        return len(repr(items[0])) if items else 0

    document = max(documents, key=item_size)
    declaration = document["Declaration"]
    template = declaration["GoodsShipment"]["GovernmentAgencyGoodsItem"][0]
    items = []
    for number in range(1, 1000):
        item = copy.deepcopy(template)
        item["SequenceNumeric"] = str(number)
        items.append(item)
    declaration["GoodsShipment"]["GovernmentAgencyGoodsItem"] = items
    declaration["GoodsItemQuantity"] = {"value": "999"}
    return declaration_to_xml(document)


def best_of(repeat: int, work: Callable[[], object]) -> float:
    """Median of ``repeat`` runs, in seconds of this process's CPU time (the work is
    single-threaded and CPU-bound; CPU time is steadier than wall time on a busy machine,
    and the median resists a stray pause)."""
    times = []
    for _ in range(repeat):
        started = time.process_time()
        work()
        times.append(time.process_time() - started)
    return statistics.median(times)


def measure(documents: list[bytes], repeat: int) -> dict[str, float]:
    schema = declaration_schema()

    def bare() -> None:
        for raw in documents:
            parser = etree.XMLParser(
                resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
            )
            schema.validate(etree.fromstring(raw, parser))

    def full() -> None:
        for raw in documents:
            declaration_from_xml(raw)

    parsed = [parse_declaration_xml(raw) for raw in documents]
    converted = [document_from_xml_tree(p.root) for p in parsed if p.root is not None]

    def parse_only() -> None:
        for raw in documents:
            parse_declaration_xml(raw)

    def xsd_only() -> None:
        for p in parsed:
            schema_issues(p.root)

    def convert_only() -> None:
        for p in parsed:
            document_from_xml_tree(p.root)

    def json_only() -> None:
        for document in converted:
            validate_declaration(document)

    count = len(documents)
    return {
        name: best_of(repeat, work) / count
        for name, work in (
            ("bare", bare),
            ("import", full),
            ("parse", parse_only),
            ("xsd", xsd_only),
            ("convert", convert_only),
            ("validate_declaration", json_only),
        )
    }


def report(title: str, timings: dict[str, float], size: int) -> None:
    ms = {name: value * 1000 for name, value in timings.items()}
    print(f"\n{title} ({size} bytes on average)")
    print(f"  bare lxml parse + XSD : {ms['bare']:9.3f} ms per declaration")
    print(f"  declaration_from_xml  : {ms['import']:9.3f} ms per declaration")
    print(f"  ratio import / bare   : {timings['import'] / timings['bare']:9.2f} x")
    own = timings["parse"] + timings["xsd"] + timings["convert"]
    print(f"  ratio XML layer / bare: {own / timings['bare']:9.2f} x  (parse + XSD + convert)")
    print("  where the import's time goes:")
    for name in ("parse", "xsd", "convert", "validate_declaration"):
        share = ms[name] / ms["import"] * 100 if ms["import"] else 0
        print(f"    {name:22}: {ms[name]:9.3f} ms ({share:4.0f}%)")


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--repeat", type=int, default=5, help="runs per measurement")
    repeat = arguments.parse_args().repeat

    samples = sample_declarations()
    if not samples:
        sys.exit(f"no sample declarations under {SAMPLES}")
    declaration_from_xml(samples[0])  # build the schema and load code lists first
    report(
        f"{len(samples)} sample declarations",
        measure(samples, repeat),
        sum(map(len, samples)) // len(samples),
    )
    big = declaration_of_999_items(samples)
    report("generated declaration of 999 goods items", measure([big], repeat), len(big))


if __name__ == "__main__":
    main()
