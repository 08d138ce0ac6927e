"""XML import benchmark: our whole import path against bare lxml parse + XSD validation.

For every sample declaration in ``../shared/wcodm/samples`` (root ``MetaData`` holding a
``Declaration``) and for a generated declaration of 999 goods items, it times:

- ``bare``: ``lxml.etree.fromstring`` with an explicit parser + ``XMLSchema.validate``
  (the same schema object), the floor any XML import pays;
- ``import``: ``datamodel.xmlio.declaration_from_xml``: safe parse with limits, XSD with
  error mapping, reading and stage 1 (for a declaration with nothing to report, in one
  walk: ``fastread``), stage 2 (code lists, business rules).

The 999 goods items are timed twice: as the sample has them, and with every text, code and
ID carrying an attribute its schema type allows (``languageID``, ``listAgencyID``,
``schemeID``), as some broker software sends them.

Like with like: both are timed in CPU time of this process (``time.process_time``; the work
is single-threaded and CPU-bound, and CPU time is steadier than wall time on a busy
machine), on the same bytes, each run parsing afresh and freeing what it built, after a
warm-up that builds the schema and loads the code lists. The two are run in turn, ``bare``
then ``import``, ``--repeat`` times, so that a change in machine load falls on both; each
figure is the median of its runs. Printed: milliseconds per declaration for both, their
ratio (goal: within 3x), and where the import's time goes (each stage timed alone, on
input prepared beforehand, so the stages need not add up to the whole exactly).

Run from the project root::

    .venv/bin/python bench/bench_xml.py [--repeat 7]
"""

import argparse
import copy
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "singlewindow.settings")

import django  # noqa: E402

django.setup()

from lxml import etree  # noqa: E402

from datamodel import validate_declaration  # noqa: E402
from datamodel.dictionary import ElementSpec, declaration_spec  # noqa: E402
from datamodel.rules import WATCH, check_rules  # noqa: E402
from datamodel.xmlio import (  # noqa: E402
    declaration_from_xml,
    declaration_schema,
    declaration_to_xml,
    document_from_xml_tree,
    parse_declaration_xml,
    schema_issues,
)
from datamodel.xmlio.fastread import checked_structure  # noqa: E402

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


# One attribute for each kind of leaf that takes some, with a value its schema type takes.
LEAF_ATTRIBUTES = {
    "udt:TextType": ("languageID", "EN"),
    "udt:CodeType": ("listAgencyID", "6"),
    "udt:IDType": ("schemeID", "EORI"),
}


def with_leaf_attributes(node: Any, spec: ElementSpec) -> Any:
    """``node`` with each text (``languageID``), code (``listAgencyID``) and ID
    (``schemeID``) carrying one attribute."""
    if isinstance(node, list):
        return [with_leaf_attributes(entry, spec) for entry in node]
    if spec.children:
        return {
            name: with_leaf_attributes(value, spec.children[name])
            if name in spec.children
            else value
            for name, value in node.items()
        }
    attribute = LEAF_ATTRIBUTES.get(spec.base_type)
    if attribute is None or isinstance(node, dict):
        return node
    name, value = attribute
    return {"value": node, name: value}


def declaration_of_999_items(samples: list[bytes], attributes: bool = False) -> bytes:
    """The sample with the richest goods item, its item repeated as items 1..999; with
    ``attributes``, each text, code and ID carries one (``with_leaf_attributes``)."""
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
    if attributes:
        document["Declaration"] = with_leaf_attributes(declaration, declaration_spec())
    return declaration_to_xml(document)


def cpu_seconds(work: Callable[[], object]) -> float:
    started = time.process_time()
    work()
    return time.process_time() - started


def median_of(repeat: int, work: Callable[[], object]) -> float:
    """Median CPU time of ``repeat`` runs of ``work``."""
    return statistics.median(cpu_seconds(work) for _ in range(repeat))


def measure(documents: list[bytes], repeat: int) -> dict[str, float]:
    """Seconds per declaration: bare and import (run in turn), and the import's stages."""
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

    bare_runs, import_runs = [], []
    for _ in range(repeat):
        bare_runs.append(cpu_seconds(bare))
        import_runs.append(cpu_seconds(full))

    # The stages, each alone on input prepared for it. What a stage needs is built just
    # before it and dropped after: objects kept alive make every garbage collection during
    # a later stage slower, which the import itself does not pay.
    today = date.today()
    count = len(documents)
    parsed = [parse_declaration_xml(raw, check_depth=False) for raw in documents]
    roots = [p.root for p in parsed if p.root is not None]
    stages: dict[str, float] = {}
    stages["parse"] = median_of(
        repeat, lambda: [parse_declaration_xml(raw, check_depth=False) for raw in documents]
    )
    stages["xsd"] = median_of(repeat, lambda: [schema_issues(root) for root in roots])
    stages["read + stage 1"] = median_of(
        repeat, lambda: [checked_structure(root, WATCH) for root in roots]
    )
    structures = [checked_structure(root, WATCH) for root in roots]
    one_walk = sum(s is not None for s in structures)

    def rules() -> None:
        for structure in structures:
            if structure is not None:
                structure.failed.clear()  # what a previous run of the rules added
                check_rules(structure, today=today)

    stages["stage 2"] = median_of(repeat, rules)
    structures.clear()
    stages["convert"] = median_of(repeat, lambda: [document_from_xml_tree(r) for r in roots])
    converted = [document_from_xml_tree(root) for root in roots]
    stages["validate_declaration"] = median_of(
        repeat, lambda: [validate_declaration(d, today=today) for d in converted]
    )
    converted.clear()

    timings = {
        "bare": statistics.median(bare_runs) / count,
        "import": statistics.median(import_runs) / count,
        "one walk": one_walk / count,
    }
    timings.update({name: seconds / count for name, seconds in stages.items()})
    return timings


def report(title: str, timings: dict[str, float], size: int) -> None:
    ms = {name: value * 1000 for name, value in timings.items()}
    print(f"\n{title} ({size} bytes on average)")
    print(f"  bare lxml parse + XSD : {ms['bare']:9.3f} ms per declaration")
    print(f"  declaration_from_xml  : {ms['import']:9.3f} ms per declaration")
    print(f"  ratio import / bare   : {timings['import'] / timings['bare']:9.2f} x  (goal: 3)")
    print(f"  where the import's time goes ({timings['one walk']:.0%} read in one walk):")
    for name in ("parse", "xsd", "read + stage 1", "stage 2"):
        share = ms[name] / ms["import"] * 100 if ms["import"] else 0
        print(f"    {name:20}: {ms[name]:9.3f} ms ({share:4.0f}%)")
    print("  the two-step way (declarations with an issue, and JSON input):")
    for name in ("convert", "validate_declaration"):
        print(f"    {name:20}: {ms[name]:9.3f} ms")


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--repeat", type=int, default=7, help="runs per measurement")
    repeat = arguments.parse_args().repeat

    samples = sample_declarations()
    if not samples:
        sys.exit(f"no sample declarations under {SAMPLES}")
    big = declaration_of_999_items(samples)
    big_with_attributes = declaration_of_999_items(samples, attributes=True)
    for raw in (*samples, big, big_with_attributes):  # warm-up: schema, code lists, plans
        declaration_from_xml(raw)
    report(
        f"{len(samples)} sample declarations",
        measure(samples, repeat),
        sum(map(len, samples)) // len(samples),
    )
    report("generated declaration of 999 goods items", measure([big], repeat), len(big))
    report(
        "the same, its texts, codes and IDs with attributes",
        measure([big_with_attributes], repeat),
        len(big_with_attributes),
    )


if __name__ == "__main__":
    main()
