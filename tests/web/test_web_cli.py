"""`cpscore serve` from the command line, the catalog of the pages, and a restarted service."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from cpscore.cli import main

from .conftest import EXAMPLES, PASSWORD, Portal, make_app

WEB = Path(__file__).resolve().parents[2] / "cpscore" / "web"


def test_add_admin_then_sign_in(tmp_path, monkeypatch):
    monkeypatch.setenv("CPSCORE_ADMIN_PASSWORD", PASSWORD)
    r = CliRunner().invoke(main, ["serve", "--data", str(tmp_path), "--add-admin", "王工"])
    assert r.exit_code == 0 and "created" in r.output
    r = CliRunner().invoke(main, ["serve", "--data", str(tmp_path), "--add-admin", "王工"])
    assert "updated" in r.output
    from fastapi.testclient import TestClient

    from cpscore.web.app import create_app
    from cpscore.web.service import Settings

    with TestClient(create_app(Settings(tmp_path))) as c:
        p = Portal(c, tmp_path)
        assert p.sign_in("王工").url.path == "/admin"
    assert (tmp_path / "secret.key").stat().st_mode & 0o077 == 0


def test_short_password_and_bad_database_are_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("CPSCORE_ADMIN_PASSWORD", "short")
    r = CliRunner().invoke(main, ["serve", "--data", str(tmp_path), "--add-admin", "a"])
    assert r.exit_code == 2 and "8 characters" in r.output and "Traceback" not in r.output
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "cpscore",
            "serve",
            "--data",
            str(tmp_path),
            "--database",
            "mysql://x@h/db",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 2 and "postgresql://" in r.stderr and "Traceback" not in r.stderr


def test_every_page_message_has_a_chinese_translation():
    """Templates and the web's code: every message is in cpscore's catalog, in Chinese (the
    catalog test extracts the templates too, with scripts/messages.py)."""
    from cpscore.common.i18n import gettext_in

    used: set[str] = set()
    for f in [*WEB.glob("templates/*.html"), *WEB.glob("*.py")]:
        text = f.read_text(encoding="utf-8")
        for m in re.finditer(
            r"""(?<![\w.])(?:_|t)\(\s*("(?:[^"\\]|\\.)*"(?:\s*"(?:[^"\\]|\\.)*")*)""", text
        ):
            used.add("".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1))))
    assert len(used) > 100
    missing = sorted(u for u in used if gettext_in(u, "zh") == u)
    assert not missing


def test_deadline_is_the_end_of_the_day_in_beijing():
    from cpscore.web.service import open_until

    end = open_until(dt.date(2025, 6, 30))
    # 2025-06-30 24:00 Beijing = 2025-06-30 16:00 UTC
    assert end.astimezone(dt.UTC) == dt.datetime(2025, 6, 30, 16, 0, tzinfo=dt.UTC)


def test_a_restarted_service_lists_what_it_had(tmp_path):
    """Plant records are kept in memory; after a restart they are read again from the stored
    files, and the list is the same."""
    from fastapi.testclient import TestClient

    data = tmp_path / "data"
    with TestClient(make_app(data)) as c:
        p = Portal(c, data)
        p.sign_in()
        cid = p.campaign()
        for code, f in (("A", "plant-advanced.xlsx"), ("B", "plant-leading.xlsx")):
            p.upload(p.firm(cid, code, code), EXAMPLES / f)
        before = c.get(f"/admin/campaigns/{cid}/list.csv").content
        live = c.get(f"/admin/campaigns/{cid}?part=live").text
        assert "<html" not in live and "Ⅰ级" in live  # the part the page refreshes
    with TestClient(make_app(data)) as c:
        p = Portal(c, data)
        p.sign_in()
        assert c.get(f"/admin/campaigns/{cid}/list.csv").content == before
