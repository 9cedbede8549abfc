"""The stateless API: the CLI's JSON document, the CLI's error kinds, the scorecard, nothing
stored, the OpenAPI schema; and schemathesis against that schema finds no 5xx."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import openpyxl
import pytest

from .conftest import EXAMPLES, Portal


def cli_json(path, *args) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "cpscore", "evaluate", str(path), "--format", "json", *args],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    return json.loads(out)


@pytest.mark.parametrize("name", ["plant-advanced.xlsx", "plant-lagging.xlsx"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_same_document_as_the_cli(sqlite_portal: Portal, name, lang):
    path = EXAMPLES / name
    r = sqlite_portal.client.post(
        "/api/v1/evaluate",
        data={"sector": "cement", "lang": lang},
        files={"file": (name, path.read_bytes())},
    )
    assert r.status_code == 200
    got, want = r.json(), cli_json(path, "--sector", "cement", "--lang", lang)

    def comparable(doc):  # the file is named as uploaded, the CLI names it as typed
        doc = json.loads(json.dumps(doc).replace(str(path), name))
        return doc

    assert comparable(got) == comparable(want)
    import jsonschema

    schema = json.loads((EXAMPLES.parents[1] / "schemas" / "result.schema.json").read_text())
    jsonschema.validate(got, schema)
    assert not [f for f in (sqlite_portal.data / "tmp").rglob("*") if f.is_file()]
    assert not (sqlite_portal.data / "uploads").exists()  # nothing stored


def test_errors_have_the_cli_shape(sqlite_portal: Portal, tmp_path):
    template = tmp_path / "typo.xlsx"
    wb = openpyxl.load_workbook(EXAMPLES / "plant-advanced.xlsx")
    ws = wb["指标数据"]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "clinker_coal")
    col = next(
        c for c in range(1, ws.max_column + 1) if str(ws.cell(1, c).value).startswith("填报值")
    )
    ws.cell(row, col).value = "abc"
    wb.save(template)
    r = sqlite_portal.client.post(
        "/api/v1/evaluate",
        data={"sector": "cement"},
        files={"file": ("plant.xlsx", template.read_bytes())},
    )
    assert r.status_code == 422
    err = r.json()["error"]
    assert set(err) >= {"kind", "file", "sheet", "cell", "message"}
    assert (
        err["file"] == "plant.xlsx" and err["sheet"] == "指标数据" and err["kind"] == "not_a_number"
    )
    # Exactly the CLI's JSON error for the same file (named as uploaded).
    for lang in ("zh", "en"):
        cli = subprocess.run(
            [
                sys.executable,
                "-m",
                "cpscore",
                "evaluate",
                str(template),
                "--sector",
                "cement",
                "--format",
                "json",
                "--lang",
                lang,
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert cli.returncode == 2
        want = json.loads(cli.stdout.replace(str(template), "plant.xlsx"))
        got = sqlite_portal.client.post(
            "/api/v1/evaluate",
            data={"sector": "cement", "lang": lang},
            files={"file": ("plant.xlsx", template.read_bytes())},
        ).json()
        assert got == want


def test_usage_errors(sqlite_portal: Portal):
    c = sqlite_portal.client
    body = {"file": ("p.xlsx", (EXAMPLES / "plant-advanced.xlsx").read_bytes())}
    r = c.post("/api/v1/evaluate", data={"sector": "no-such"}, files=body)
    assert r.status_code == 400 and "no-such" in r.json()["error"]["message"]
    # A server path is never loaded as a system.
    r = c.post("/api/v1/evaluate", data={"system": "/etc/passwd.json"}, files=body)
    assert r.status_code == 400 and r.json()["error"]["kind"] == "usage"
    r = c.post("/api/v1/evaluate", data={"system": "cement-2014-illustrative"})
    assert r.status_code == 400  # no file


def test_scorecard_format(sqlite_portal: Portal):
    r = sqlite_portal.client.post(
        "/api/v1/evaluate?format=xlsx",
        data={"sector": "cement", "lang": "en"},
        files={"file": ("p.xlsx", (EXAMPLES / "plant-advanced.xlsx").read_bytes())},
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxml")
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    dest = next(iter(wb.defined_names["cpscore_class"].destinations))
    assert "Level II" in wb[dest[0]][dest[1].replace("$", "")].value


def test_openapi_documents_the_endpoint(sqlite_portal: Portal):
    spec = sqlite_portal.client.get("/openapi.json").json()
    op = spec["paths"]["/api/v1/evaluate"]["post"]
    assert {"200", "400", "413", "422"} <= set(op["responses"])
    assert "multipart/form-data" in op["requestBody"]["content"]
    assert not any(p.startswith(("/admin", "/f/")) for p in spec["paths"])


def test_schemathesis_finds_no_server_error(sqlite_portal: Portal):
    schemathesis = pytest.importorskip("schemathesis")
    from hypothesis import HealthCheck, given, settings

    schema = schemathesis.openapi.from_asgi("/openapi.json", sqlite_portal.client.app)
    failures: list[str] = []
    statuses: list[int] = []

    for op in schema.get_all_operations():
        operation = op.ok()

        @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case) -> None:
            response = case.call()
            statuses.append(response.status_code)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.path}: {response.status_code}")

        check()
    assert len(statuses) >= 20  # the schema was really exercised
    assert not failures, failures


def test_scorecard_format_with_a_bad_file_answers_the_json_error(sqlite_portal: Portal):
    r = sqlite_portal.client.post(
        "/api/v1/evaluate?format=xlsx",
        data={"sector": "cement", "lang": "en"},
        files={"file": ("notes.xlsx", b"just some text\n")},
    )
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["kind"] == "not_a_workbook" and err["file"] == "notes.xlsx"
    assert "expected" in err["message"]  # English, as asked
