"""The reference data the validation needs, loaded once when the process starts.

The WCO DM 2 submission and cancellation schemas (``datamodel/data/schemas``), the WCO DEC-DMS data
dictionary, the data requirements per declaration category and every code list under
``datamodel/data/codelists`` are read by ``reference_data_load`` from
``DeclarationsConfig.ready``: a missing or broken file stops the web process, the worker and
every management command at start-up with ``ImproperlyConfigured`` naming the file, instead
of answering 500 to the first trader who submits. The readers cache what they read
(``functools.cache``), so requests then find it in memory.
"""

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

# The code lists the rules look up by name (``RuleContext.codes``, ``is_country``); each
# must exist, besides every list folder found being well formed.
REQUIRED_CODE_LISTS = (
    "additional-declaration-types",
    "additional-procedure-codes",
    "countries",
    "customs-offices",
    "declaration-types",
    "delivery-terms",
    "document-codes",
    "exit-offices",
    "goods-locations",
    "hs",
    "incoterms",
    "package-types",
    "procedure-codes",
    "units",
)


def _loaders() -> list[tuple[str, Callable[[], Any]]]:
    from datamodel import codelists, dictionary
    from datamodel.rules import requirements
    from datamodel.xmlio import messages, schema

    names = sorted(
        {*REQUIRED_CODE_LISTS}
        | {p.name for p in codelists.CODELISTS_DIR.iterdir() if (p / codelists.MANIFEST).exists()}
    )
    return [
        (f"WCO DM schema {schema.SUBMIT_SCHEMA}", schema.declaration_schema),
        (f"WCO DM cancellation schema {messages.CANCEL_SCHEMA}", messages.cancellation_schema),
        (
            f"WCO DM cancellation content {messages.CANCEL_DECLARATION_SCHEMA}",
            messages.cancellation_content,
        ),
        (f"WCO DEC-DMS data dictionary {dictionary.DATA_FILE}", dictionary.declaration_spec),
        ("WCO DM schema attributes", dictionary.metadata_attributes),
        ("WCO DM schema leaf types", dictionary.leaf_attribute_types),
        ("declaration categories", requirements.declaration_categories),
        ("data requirements per declaration category", requirements.data_requirements),
        ("ISO 3166-1 countries", codelists.iso_countries),
        ("ISO 4217 currencies", codelists.iso_currencies),
        *((f"code list {name!r} in {codelists.CODELISTS_DIR}", _code_list(name)) for name in names),
    ]


def _code_list(name: str) -> Callable[[], Any]:
    from datamodel.codelists import load_code_list

    return lambda: load_code_list(name)


def reference_data_load() -> None:
    """Read every schema, dictionary, table and code list the validation uses; raise
    ``ImproperlyConfigured`` naming the first one that is missing or broken."""
    started = time.perf_counter()
    for what, load in _loaders():
        try:
            load()
        except Exception as error:  # any reader's fault is a broken deployment
            raise ImproperlyConfigured(
                f"The reference data could not be loaded: {what}: {error}. Restore the "
                "file from the release (datamodel/data, sources in datamodel/data/SOURCES.md)."
            ) from error
    logger.debug("reference data loaded in %.2f s", time.perf_counter() - started)
