"""verify and review: a system checked against its document; official only with a record that
names who verified it and when, and that a later run re-checks."""

from __future__ import annotations

import base64
import copy
import datetime as dt
import hashlib
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from cpscore.authoring.export_document import write_docx, write_pdf
from cpscore.authoring.verify import VerificationError, verify
from cpscore.cli import main
from cpscore.system.loader import load_system

ROOT = Path(__file__).resolve().parent.parent
HW = ROOT / "indicator_systems" / "hazardous-waste-incineration" / "draft-5878b99.json"


@pytest.fixture
def pair(tmp_path):
    doc = json.loads(HW.read_text(encoding="utf-8"))
    write_pdf(doc, tmp_path / "standard.pdf")
    (tmp_path / "system.json").write_text(HW.read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path / "system.json", tmp_path / "standard.pdf"


def _run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_verify_writes_official_with_its_record(pair):
    system, pdf = pair
    res = _run(
        "verify",
        str(system),
        "--against",
        str(pdf),
        "--by",
        "张三",
        "--announcement",
        "2026年第1号",
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(system.read_text(encoding="utf-8"))
    rec = doc["verification"]
    assert doc["status"] == "official" and "notice" not in doc
    assert rec["by"] == "张三" and rec["announcement"] == "2026年第1号"
    assert rec["date"] == dt.datetime.now(dt.UTC).date().isoformat()
    assert rec["document"]["sha256"] == hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert rec["document"]["pages"] == [1, 2] and rec["document"]["file"] == "standard.pdf"
    assert rec["document"]["title"].startswith("危险废物焚烧处置行业清洁生产评价指标体系")
    label = f"official, verified by 张三 on {rec['date']}"  # the tests run in English
    assert label in res.output
    # the status label is named wherever the status is: validate, show, the result document
    assert label in _run("validate", str(system)).output
    zh = _run("--lang", "zh", "validate", str(system)).output
    assert f"官方，张三 {rec['date']} 核对" in zh
    assert load_system(system).status_label("zh") == f"官方，张三 {rec['date']} 核对"
    assert load_system(system).status_label("en") == f"official, verified by 张三 on {rec['date']}"
    assert _run("verify", "--check", str(system), "--against", str(pdf)).exit_code == 0


def test_verify_lists_differences_and_writes_nothing(pair):
    system, pdf = pair
    doc = json.loads(system.read_text(encoding="utf-8"))
    gi, ind = next(
        (gi, i)
        for gi, g in enumerate(doc["groups"])
        for i in g["indicators"]
        if isinstance(i.get("benchmarks", {}).get("I", {}).get("value"), int | float)
    )
    old = ind["benchmarks"]["I"]["value"]
    ind["benchmarks"]["I"] = {"op": ind["benchmarks"]["I"]["op"], "value": old + 1}
    doc["groups"][1]["weight"] = round(doc["groups"][1]["weight"] + 0.01, 2)
    doc["groups"][2]["weight"] = round(doc["groups"][2]["weight"] - 0.01, 2)
    system.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    before = system.read_bytes()
    res = _run("verify", str(system), "--against", str(pdf), "--by", "张三")
    assert res.exit_code == 1
    assert system.read_bytes() == before
    assert f"{ind['zh']} [{doc['groups'][gi]['id']}/{ind['id']}/I]" in res.output
    assert "nothing written" in res.output
    check = _run("verify", "--check", str(system), "--against", str(pdf))
    assert check.exit_code == 1 and "→" in check.output


def test_check_after_editing_the_verified_file_by_hand(pair):
    system, pdf = pair
    verify(system, pdf, "张三")
    doc = json.loads(system.read_text(encoding="utf-8"))
    doc["groups"][0]["indicators"][0]["weight"] += 0.5
    system.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    res = _run("verify", "--check", str(system), "--against", str(pdf))
    assert res.exit_code == 1 and "weights:" in res.output


def test_a_hand_edit_after_verify_is_no_longer_official(pair, tmp_path):
    """The seal: two weights edited by hand after verify (a little moved from one to the other,
    so the file stays valid) makes the file load as unverified, with a notice, in every output; re-indenting
    the file does not; verify again seals the new content."""
    system, pdf = pair
    verify(system, pdf, "张三")
    doc = json.loads(system.read_text(encoding="utf-8"))
    seal = doc["verification"]["content_sha256"]
    assert re.fullmatch(r"[0-9a-f]{64}", seal)
    system.write_text(json.dumps(doc, ensure_ascii=False, indent=4), encoding="utf-8")
    assert load_system(system).status == "official"  # the same content, written otherwise
    ind, other = doc["groups"][0]["indicators"][:2]
    weights, delta = (ind["weight"], other["weight"]), other["weight"] / 2
    ind["weight"] += delta
    other["weight"] -= delta  # weights still add up: a valid file
    system.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")

    edited = load_system(system)
    assert edited.status == "unverified" and edited.verification is None
    assert "verified it as official on" in edited.notice.en and "重新运行" in edited.notice.zh
    res = _run("validate", str(system))
    assert res.exit_code == 0 and "status unverified" in res.output
    assert "but the content changed after that check" in res.output
    assert "核对之后内容已被改动" in _run("--lang", "zh", "validate", str(system)).output
    check = _run("verify", "--check", str(system), "--against", str(pdf))
    assert check.exit_code == 1 and "content changed after it was verified" in check.output
    plant = tmp_path / "plant.xlsx"
    assert _run("template", str(system), "-o", str(plant)).exit_code == 0
    out = _run("evaluate", str(plant), "--system", str(system), "--format", "json")
    result = json.loads(out.stdout)
    assert result["system"]["status"] == "unverified"
    assert result["system"].get("verification") is None

    ind["weight"], other["weight"] = weights  # back to the numbers that were checked
    system.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert load_system(system).status == "official"


def test_check_names_a_different_document_file(pair, tmp_path):
    system, pdf = pair
    verify(system, pdf, "张三")
    write_docx(json.loads(HW.read_text(encoding="utf-8")), tmp_path / "standard.docx")
    res = _run("verify", "--check", str(system), "--against", str(tmp_path / "standard.docx"))
    assert res.exit_code == 0  # same numbers …
    assert "SHA-256 differs" in res.output  # … from another file than the one verified


def test_validate_rejects_official_without_a_record(tmp_path):
    doc = json.loads(HW.read_text(encoding="utf-8"))
    doc["status"] = "official"
    path = tmp_path / "s.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    res = _run("validate", str(path))
    assert res.exit_code == 1
    assert "'verification' is a required property" in res.output
    assert "cpscore verify" in res.output


def test_verify_needs_a_name(pair):
    system, pdf = pair
    res = _run("verify", str(system), "--against", str(pdf))
    assert res.exit_code == 2 and "--by NAME" in res.output
    with pytest.raises(Exception, match="--by"):
        verify(system, pdf, "  ")


def test_verification_error_lists_unreadable_cells(pair, tmp_path):
    system, _ = pair
    (tmp_path / "x.pdf").write_bytes(b"")
    res = _run("verify", str(system), "--against", str(tmp_path / "x.pdf"), "--by", "a")
    assert res.exit_code == 2 and "damaged" in res.output
    assert issubclass(VerificationError, Exception)


def test_result_document_names_who_verified(pair, tmp_path):
    from cpscore.engine.result import system_block

    system, pdf = pair
    verify(system, pdf, "李四", today=dt.date(2026, 12, 1))
    block = system_block(load_system(system), "zh")
    assert block["status_label"] == "官方，李四 2026-12-01 核对"
    assert block["verification"]["by"] == "李四"


def test_review_page_has_a_crop_per_indicator_and_no_script(pair, tmp_path):
    system, pdf = pair
    out = tmp_path / "review.html"
    res = _run("review", str(system), "--against", str(pdf), "-o", str(out))
    assert res.exit_code == 0, res.output
    page = out.read_text(encoding="utf-8")
    assert "<script" not in page and "http" not in page.replace("http://", "")
    n = sum(len(g["indicators"]) for g in json.loads(HW.read_text(encoding="utf-8"))["groups"])
    crops = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    groups = len(json.loads(HW.read_text(encoding="utf-8"))["groups"])
    assert len(crops) == n + 2 * groups + 1  # rows, group name and weight, classification
    # crops are readable: at most the page width, at least ~8 px per printed point of height
    img = Image.open(io.BytesIO(base64.b64decode(crops[2])))  # the first indicator's row
    assert 300 < img.width <= 1200 and img.height >= 40
    # rows with an interpretation are marked and listed first
    assert "Look here first" in page and page.count('class="flag"') >= 1


def test_review_marks_rows_that_differ(pair):
    system, pdf = pair
    doc = json.loads(system.read_text(encoding="utf-8"))
    edited = copy.deepcopy(doc)
    edited["groups"][0]["indicators"][1]["zh"] += "（改）"
    system.write_text(json.dumps(edited, ensure_ascii=False), encoding="utf-8")
    out = system.parent / "r.html"
    assert _run("review", str(system), "--against", str(pdf), "-o", str(out)).exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert 'class="diff"' in page and "difference(s)" in page


def test_review_of_a_docx_shows_the_cell_texts(tmp_path):
    doc = json.loads(HW.read_text(encoding="utf-8"))
    write_docx(doc, tmp_path / "s.docx")
    out = tmp_path / "r.html"
    res = _run("review", str(HW), "--against", str(tmp_path / "s.docx"), "-o", str(out))
    assert res.exit_code == 0, res.output
    page = out.read_text(encoding="utf-8")
    first = doc["groups"][0]["indicators"][0]
    assert f"[2,4] {'*' if first.get('limiting') else ''}{first['zh']}" in page
    assert "data:image/png" not in page


def test_review_does_not_write_over_an_input(pair):
    system, pdf = pair
    res = _run("review", str(system), "--against", str(pdf), "-o", str(pdf))
    assert res.exit_code == 2 and "is an input" in res.output


def test_evaluate_and_scorecard_name_who_verified(pair, tmp_path):
    from python_calamine import CalamineWorkbook

    system, pdf = pair
    verify(system, pdf, "王五", today=dt.date(2026, 12, 1))
    plant = ROOT / "examples" / "hazardous-waste-incineration" / "plant-advanced.xlsx"
    label = "官方，王五 2026-12-01 核对"
    res = _run("--lang", "zh", "evaluate", str(plant), "--system", str(system))
    assert res.exit_code == 0, res.output
    assert label in res.output.replace("\n", "")
    en = _run("evaluate", str(plant), "--system", str(system), "--lang", "en").output
    assert "official, verified by 王五 on 2026-12-01" in en.replace("\n", " ")
    card = tmp_path / "card.xlsx"
    args = ["--lang", "zh", "evaluate", str(plant), "--system", str(system), "-o", str(card)]
    assert _run(*args).exit_code == 0
    book = CalamineWorkbook.from_path(str(card))
    cells = [
        v
        for name in book.sheet_names
        for row in book.get_sheet_by_name(name).to_python()
        for v in row
    ]
    assert label in cells
    show = _run("--lang", "zh", "show", str(system))
    assert label in show.output.replace("\n", "")


def test_importing_onto_an_official_base_does_not_make_the_import_official(pair, tmp_path):
    system, pdf = pair
    verify(system, pdf, "张三")
    out = tmp_path / "again.json"
    res = _run("import-table", str(pdf), "-o", str(out), "--base", str(system))
    assert res.exit_code == 1 and "metadata status missing" in res.output
    res = _run(
        "import-table",
        str(pdf),
        "-o",
        str(out),
        "--base",
        str(system),
        "--set",
        "status=unverified",
        "--set",
        "notice.zh=待核对",
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["status"] == "unverified" and "verification" not in doc
    # and the verified file still checks equal
    assert _run("verify", "--check", str(system), "--against", str(pdf)).exit_code == 0


def test_review_page_in_chinese_by_default_and_english_on_request(pair, tmp_path):
    system, pdf = pair
    zh, en = tmp_path / "zh.html", tmp_path / "en.html"
    assert (
        _run("review", str(system), "--against", str(pdf), "-o", str(zh), "--lang", "zh").exit_code
        == 0
    )
    assert (
        _run("review", str(system), "--against", str(pdf), "-o", str(en), "--lang", "en").exit_code
        == 0
    )
    page_zh, page_en = zh.read_text(encoding="utf-8"), en.read_text(encoding="utf-8")
    # The interpretation notes of the cells, in the page's language.
    assert "→ 单元格中写有单位 &#x27;h&#x27;</div>" in page_zh
    assert "→ 已忽略单元格中重复的指标名称</div>" in page_zh
    assert "written in the cell" not in page_zh and "— 核对页</title>" in page_zh
    assert "<html lang=zh>" in page_zh and "<html lang=en>" in page_en
    assert "→ unit &#x27;h&#x27; written in the cell</div>" in page_en
    assert "→ indicator name repeated in the cell ignored</div>" in page_en
