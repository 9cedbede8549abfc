"""The JSON result document is stable: every example's document validates against its schema."""

from __future__ import annotations

import json

import jsonschema
import pytest
from conftest import EXAMPLES, ROOT

from cpscore.pipeline import evaluate_workbook
from cpscore.system.catalog import load

SCHEMA = json.loads((ROOT / "schemas" / "result.schema.json").read_text(encoding="utf-8"))
CASES = json.loads((EXAMPLES / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_document_matches_schema(case: dict, lang: str) -> None:
    system = load(case["sector"])
    doc = evaluate_workbook(str(EXAMPLES / case["file"]), system).document(0, lang)
    jsonschema.Draft202012Validator(SCHEMA).validate(doc)
    assert doc["class"]["level"] == case["class"]
    # Every indicator of the system is reported, in the system's order.
    assert [row["id"] for row in doc["indicators"]] == [i.id for i in system.indicators]
    # A system that is not official says so in the document itself.
    assert ("notice" in doc) == (system.status != "official")
