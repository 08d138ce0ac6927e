"""The README's API example works as written: its body, posted by the demo trader's
company, is lodged (201) and routed."""

import json
import re
from pathlib import Path

from declarations.models import Trader
from tests.api.conftest import ApiAs

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_declaration_body() -> dict:
    """The JSON of the README's ``curl ... /api/v1/declarations/ ... <<'EOF'`` example."""
    text = README.read_text(encoding="utf-8")
    match = re.search(r"/api/v1/declarations/ \\\n.*?<<'EOF'\n(.*?)\nEOF\n", text, re.S)
    assert match, "the README lost its declaration example"
    return json.loads(match.group(1))


def test_the_readme_example_is_lodged(api_as: ApiAs, trader_a: Trader, agencies) -> None:
    body = readme_declaration_body()
    assert body["Declaration"]["Declarant"]["ID"] == trader_a.company.eori

    answer = api_as(trader_a.user).post("/api/v1/declarations/", body, format="json")

    assert answer.status_code == 201, answer.json()
    assert answer.json()["mrn"]
