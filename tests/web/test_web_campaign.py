"""A campaign as people run it, on SQLite and on PostgreSQL: the admin creates it and adds firms,
each firm uploads through its link and sees its class, the admin's list and downloads are the
batch's own outputs of the same files."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re

import openpyxl
import pytest

from cpscore.batch.outputs import write_outputs
from cpscore.batch.run import run_batch
from cpscore.pipeline import evaluate_workbook

from .conftest import EXAMPLES, Portal


def class_on(html: str) -> str:
    m = re.search(r'id="class">([^<]+)<', html)
    assert m, html[-2000:]
    return m.group(1)


def test_two_firms_upload_and_the_list_is_the_batch_list(portal: Portal, tmp_path, cement):
    portal.sign_in()
    cid = portal.campaign()
    a = portal.firm(cid, "F-01", "一厂")
    b = portal.firm(cid, "F-02", "二厂")
    assert a != b and len(a.rsplit("/", 1)[1]) >= 40  # 32 random bytes, base64

    files = {a: EXAMPLES / "plant-advanced.xlsx", b: EXAMPLES / "plant-lagging.xlsx"}
    for link, path in files.items():
        page = portal.client.get(link)
        assert page.status_code == 200 and "template.xlsx" in page.text
        r = portal.upload(link, path)
        assert r.status_code == 200
        # The class shown is the CLI's class of the same file.
        expected = evaluate_workbook(str(path), cement).document(0, "zh")["class"]["label"]
        assert class_on(r.text) == expected

    campaign = portal.client.get(f"/admin/campaigns/{cid}")
    assert "Ⅱ级 国内清洁生产先进水平" in campaign.text and "一厂" in campaign.text
    # 1 of 2 plants at II or better: 50.0% against the 70% target.
    assert "50.0%" in campaign.text

    # The downloads are the batch writers' outputs on the same two files.
    batch = run_batch(cement, [str(p) for p in files.values()], jobs=1)
    ref = tmp_path / "ref"
    ref.mkdir()
    write_outputs(batch, ref / "list.xlsx", ref / "list.csv", ref / "list.jsonl", ref / "list.html")
    got_csv = portal.client.get(f"/admin/campaigns/{cid}/list.csv").content.decode("utf-8-sig")
    want_csv = (ref / "list.csv").read_text("utf-8-sig")

    def rows(text: str) -> list[list[str]]:
        table = list(csv.reader(io.StringIO(text)))
        source = table[0].index("来源")  # the file: its name here, its path in the batch
        return [
            [c.rsplit("/", 1)[-1] if j == source else c for j, c in enumerate(r)] for r in table
        ]

    assert rows(got_csv) == rows(want_csv)

    wb = openpyxl.load_workbook(
        io.BytesIO(portal.client.get(f"/admin/campaigns/{cid}/list.xlsx").content)
    )
    ref_wb = openpyxl.load_workbook(ref / "list.xlsx")
    assert wb.sheetnames == ref_wb.sheetnames
    listed = [[c.value for c in r][:6] for r in wb[wb.sheetnames[0]].iter_rows()]
    assert listed == [[c.value for c in r][:6] for r in ref_wb[ref_wb.sheetnames[0]].iter_rows()]

    lines = portal.client.get(f"/admin/campaigns/{cid}/list.jsonl").text.splitlines()
    assert [json.loads(x)["result"]["class"]["level"] for x in lines] == ["II", "lagging"]
    html = portal.client.get(f"/admin/campaigns/{cid}/list.html").text
    assert html == (ref / "list.html").read_text("utf-8")


def test_migrations_make_the_models_schema(portal: Portal):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from cpscore.web.models import Base

    engine = portal.client.app.state.service.engine
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_every_submission_kept_byte_identical_and_latest_evaluated_counts(portal: Portal, cement):
    from sqlalchemy import select

    from cpscore.web.models import Submission

    portal.sign_in()
    cid = portal.campaign()
    link = portal.firm(cid, "F-01", "一厂")
    first = (EXAMPLES / "plant-lagging.xlsx").read_bytes()
    second = (EXAMPLES / "plant-leading.xlsx").read_bytes()
    portal.upload(link, EXAMPLES / "plant-lagging.xlsx")
    portal.upload(link, EXAMPLES / "plant-leading.xlsx")
    bad = portal.upload(
        link, EXAMPLES / "x.xlsx", name="broken.xlsx", content=b"PK\x03\x04 not a zip"
    )
    assert "broken.xlsx" in bad.text and ("[corrupt]" in bad.text or "[not_a_workbook]" in bad.text)

    service = portal.client.app.state.service
    with service.db() as db:
        subs = db.scalars(select(Submission).order_by(Submission.id)).all()
    assert [s.status for s in subs] == ["evaluated", "evaluated", "rejected"]
    for s, body in zip(subs, (first, second), strict=False):
        stored = (portal.data / s.stored).read_bytes()
        assert stored == body
        assert (
            s.sha256 == hashlib.sha256(body).hexdigest() == s.result["doc"]["zh"]["plant"]["sha256"]
        )
    # The latest evaluated upload counts: the leading one, not the earlier lagging one.
    lines = portal.client.get(f"/admin/campaigns/{cid}/list.jsonl").text.splitlines()
    levels = [json.loads(x).get("result", {}).get("class", {}).get("level") for x in lines]
    assert (
        levels[0]
        == evaluate_workbook(str(EXAMPLES / "plant-leading.xlsx"), cement).decisions[0].klass
    )
    # The rejected upload is listed with its reason (it came after the evaluated one).
    rejected = [json.loads(x) for x in lines if json.loads(x)["record"] == "rejected"]
    assert rejected and rejected[0]["file"] == "broken.xlsx"


def test_scorecard_download_is_the_cli_scorecard(portal: Portal, tmp_path, cement):
    from cpscore.views.scorecard import write_scorecard

    portal.sign_in()
    cid = portal.campaign()
    link = portal.firm(cid, "F-01", "一厂")
    r = portal.upload(link, EXAMPLES / "plant-advanced.xlsx")
    card = portal.client.get(str(r.url.path) + "/scorecard.xlsx")
    assert card.status_code == 200
    got = openpyxl.load_workbook(io.BytesIO(card.content))
    ev = evaluate_workbook(str(EXAMPLES / "plant-advanced.xlsx"), cement)
    write_scorecard(ev, 0, tmp_path / "cli.xlsx", "zh")
    want = openpyxl.load_workbook(tmp_path / "cli.xlsx")
    assert got.sheetnames == want.sheetnames

    def named(wb, name):
        dest = next(iter(wb.defined_names[name].destinations))
        return wb[dest[0]][dest[1].replace("$", "")].value

    for name in ("cpscore_class", "cpscore_reason", "cpscore_notice"):
        assert named(got, name) == named(want, name)


def test_firms_from_a_spreadsheet(portal: Portal, tmp_path):
    portal.sign_in()
    cid = portal.campaign()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["企业编号", "企业名称", "联系人"])
    ws.append(["A1", "甲水泥厂", "张三 138"])
    ws.append(["A2", "乙水泥厂", "李四"])
    ws.append([None, None, None])
    path = tmp_path / "firms.xlsx"
    wb.save(path)
    r = portal.post(
        f"/admin/campaigns/{cid}/firms/import", files={"file": ("firms.xlsx", path.read_bytes())}
    )
    assert r.status_code == 200
    assert set(portal.links(cid)) == {"A1", "A2"}
    # CSV in GB18030 (what Excel in China saves) and a repeated id, which is not added twice.
    text = "企业编号,企业名称,联系人\nA2,乙水泥厂,李四\nA3,丙水泥厂,王五\n".encode("gb18030")
    portal.post(f"/admin/campaigns/{cid}/firms/import", files={"file": ("firms.csv", text)})
    assert set(portal.links(cid)) == {"A1", "A2", "A3"}
    bad = portal.post(
        f"/admin/campaigns/{cid}/firms/import", files={"file": ("x.csv", b"a,b\n1,2\n")}
    )
    assert "企业名称" in bad.text  # the problem names the column it looked for


@pytest.mark.parametrize("lang, word", [("zh", "上传"), ("en", "Upload")])
def test_firm_page_language_switch(portal: Portal, lang, word):
    portal.sign_in()
    cid = portal.campaign()
    link = portal.firm(cid, "F-01", "一厂")
    page = portal.client.get(f"{link}?lang={lang}")
    assert word in page.text
    assert portal.client.get(link).text.count(word) >= 1  # the choice is kept in a cookie
