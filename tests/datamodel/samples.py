"""The shared WCO DEC-DMS samples and rejections, read in place from ``../shared/wcodm``
(never copied into the repository), classified with plain lxml, not the code under test."""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lxml import etree

SHARED = Path(__file__).resolve().parents[3] / "shared" / "wcodm"
SAMPLES = SHARED / "samples"
REJECTIONS = SHARED / "rejections"
MD = "{urn:wco:datamodel:WCO:DocumentMetaData-DMS:2}"
DEC = "{urn:wco:datamodel:WCO:DEC-DMS:2}"

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


@dataclass(frozen=True)
class SampleFile:
    path: Path
    kind: str  # "declaration", "enveloped", "other" or "malformed"

    @property
    def id(self) -> str:
        return str(self.path.relative_to(SHARED))


def _classify(path: Path) -> SampleFile:
    try:
        root = etree.parse(str(path), _PARSER).getroot()
    except etree.XMLSyntaxError:
        return SampleFile(path, "malformed")
    if root.tag == f"{MD}MetaData" and root.find(f"{DEC}Declaration") is not None:
        return SampleFile(path, "declaration")
    inner = [m for m in root.iter(f"{MD}MetaData") if m.find(f"{DEC}Declaration") is not None]
    return SampleFile(path, "enveloped" if len(inner) == 1 else "other")


@cache
def sample_files() -> tuple[SampleFile, ...]:
    """Every XML file of the samples and rejections folders, sorted, with its kind."""
    # Case-insensitive suffix: five samples are named *.XML.
    paths = sorted(
        p
        for base in (SAMPLES, REJECTIONS)
        for p in base.rglob("*")
        if p.is_file() and p.suffix.lower() == ".xml"
    )
    return tuple(_classify(p) for p in paths)


def sample_declarations() -> list[Path]:
    """The declarations (bare or in a transport envelope) of the samples folder: all of them
    were accepted by customs."""
    return [
        f.path
        for f in sample_files()
        if f.kind in ("declaration", "enveloped") and f.path.is_relative_to(SAMPLES)
    ]
