"""Safe by construction: sign-in, CSRF, firm isolation, cookies, size limit, crashing readers,
no stack trace in a page."""

from __future__ import annotations

import os

from .conftest import EXAMPLES, Portal


def test_admin_pages_redirect_to_sign_in(sqlite_portal: Portal):
    c = sqlite_portal.client
    for path in ("/admin", "/admin/campaigns/1", "/admin/campaigns/1/list.xlsx"):
        r = c.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/admin/login?next=")
    r = sqlite_portal.post("/admin/campaigns", {"name": "x"}, follow_redirects=False)
    assert r.status_code == 303 and "/admin/login" in r.headers["location"]


def test_wrong_password_and_open_redirect(sqlite_portal: Portal):
    r = sqlite_portal.post("/admin/login", {"name": "admin", "password": "nope", "next": "/admin"})
    assert r.status_code == 401 and "cpscore_session" not in sqlite_portal.client.cookies
    r = sqlite_portal.post(
        "/admin/login",
        {"name": "admin", "password": "correct horse battery", "next": "//evil.example/"},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/admin"


def test_repeated_wrong_passwords_are_throttled(sqlite_portal: Portal):
    p = sqlite_portal
    codes = [
        p.post("/admin/login", {"name": "admin", "password": f"guess {k}"}).status_code
        for k in range(11)
    ]
    assert codes == [401] * 10 + [429]
    # Even the right password now waits for the window to pass.
    assert p.sign_in().status_code == 429


def test_cookies_httponly_samesite(sqlite_portal: Portal):
    r = sqlite_portal.client.get("/admin/login")
    assert "HttpOnly" in r.headers["set-cookie"] and "SameSite=lax" in r.headers["set-cookie"]
    r = sqlite_portal.sign_in()
    cookies = [v for k, v in r.history[0].headers.multi_items() if k == "set-cookie"]
    session = next(v for v in cookies if v.startswith("cpscore_session="))
    assert "HttpOnly" in session and "SameSite=lax" in session


def test_forms_without_the_csrf_token_are_refused(sqlite_portal: Portal):
    p = sqlite_portal
    p.sign_in()
    cid = p.campaign()
    link = p.firm(cid, "F-01", "一厂")
    c = p.client
    assert c.post("/admin/campaigns", data={"name": "x"}).status_code == 403
    assert c.post("/admin/campaigns", data={"name": "x", "csrf": "forged"}).status_code == 403
    r = c.post(f"{link}/submissions", files={"file": ("a.xlsx", b"x")}, data={"csrf": "forged"})
    assert r.status_code == 403
    assert c.post("/admin/login", data={"name": "admin", "password": "x"}).status_code == 403


def test_a_firm_sees_only_its_own_submissions(sqlite_portal: Portal):
    p = sqlite_portal
    p.sign_in()
    cid = p.campaign()
    a = p.firm(cid, "F-01", "一厂")
    b = p.firm(cid, "F-02", "二厂")
    ra = p.upload(a, EXAMPLES / "plant-advanced.xlsx")
    sid = int(str(ra.url).rsplit("/", 1)[1])
    assert p.client.get(f"{a}/submissions/{sid}").status_code == 200
    # Firm B asks for firm A's submission: as if it did not exist.
    for path in (f"{b}/submissions/{sid}", f"{b}/submissions/{sid}/scorecard.xlsx"):
        r = p.client.get(path)
        assert r.status_code == 404 and "一厂" not in r.text
    assert "一厂" not in p.client.get(b).text
    # A token that does not exist, and a revoked one.
    assert p.client.get("/f/" + "x" * 43).status_code == 404
    fid = 1
    p.post(f"/admin/campaigns/{cid}/firms/{fid}/revoke")
    assert p.client.get(a).status_code == 404
    assert p.client.get(f"{a}/submissions/{sid}").status_code == 404
    p.post(f"/admin/campaigns/{cid}/firms/{fid}/renew")
    new = p.links(cid)["F-01"]
    assert new != a and p.client.get(new).status_code == 200


def test_upload_over_the_limit_is_refused_and_nothing_kept(sqlite_portal: Portal):
    p = sqlite_portal  # limit 1 MiB
    p.sign_in()
    cid = p.campaign()
    link = p.firm(cid, "F-01", "一厂")
    big = os.urandom(3 << 20)
    r = p.upload(link, EXAMPLES / "plant-advanced.xlsx", name="big.xlsx", content=big)
    assert r.status_code == 413
    r = p.upload(
        link, EXAMPLES / "plant-advanced.xlsx", name="big.xlsx", content=big[: (1 << 20) + 10]
    )
    assert r.status_code == 413
    assert not list((p.data / "uploads").rglob("*.xlsx")) if (p.data / "uploads").exists() else True
    assert not [f for f in (p.data / "tmp").rglob("*") if f.is_file()]
    r = p.client.post(
        "/api/v1/evaluate", data={"sector": "cement"}, files={"file": ("b.xlsx", big)}
    )
    assert r.status_code == 413 and r.json()["error"]["kind"] in ("too_large", "usage")


def test_deadline_passed(sqlite_portal: Portal):
    p = sqlite_portal
    p.sign_in()
    cid = p.campaign(deadline="2020-01-01")
    link = p.firm(cid, "F-01", "一厂")
    page = p.client.get(link).text
    assert 'id="upload"' not in page and "本次评价活动已过截止日期" in page
    r = p.upload(link, EXAMPLES / "plant-advanced.xlsx")
    assert r.status_code == 403


def test_no_stack_trace_reaches_a_browser(sqlite_portal: Portal, monkeypatch):
    from cpscore.web import firms

    def broken(*_a, **_k):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(firms, "firm_page", broken)
    from fastapi.testclient import TestClient

    with TestClient(sqlite_portal.client.app, raise_server_exceptions=False) as c:
        r = c.get("/f/" + "x" * 43)
    assert r.status_code == 500
    assert "Traceback" not in r.text and "secret internals" not in r.text
    assert "<html" in r.text


class _CrashOnUnpickle:
    """Kills the process that unpickles it: a reader that crashes."""

    def __reduce__(self):
        return (os._exit, (1,))


def test_a_crashing_reader_costs_one_rejection_not_the_service(tmp_path):
    from cpscore.batch.run import ReadingPool

    pool = ReadingPool(_CrashOnUnpickle(), 1)  # the worker dies as it starts
    try:
        got = pool.read(EXAMPLES / "plant-advanced.xlsx")
    finally:
        pool.close()
    assert not got.records
    assert got.rejections[0].errors[0]["kind"] == "internal"
    assert "crashed" in got.rejections[0].errors[0]["found"]


def test_the_pool_survives_a_killed_worker(cement):
    """A worker killed while another file is read: that file is read again, not lost."""
    import threading

    from cpscore.batch.run import ReadingPool

    pool = ReadingPool(cement, 1)
    try:
        assert pool.read(EXAMPLES / "plant-advanced.xlsx").records  # pool started
        procs = list(pool._pool()._processes.values())
        threading.Timer(0.05, lambda: [q.kill() for q in procs]).start()
        got = pool.read(EXAMPLES / "plant-lagging.xlsx")
        assert got.records and not got.rejections
        again = pool.read(EXAMPLES / "plant-leading.xlsx")
        assert again.records
    finally:
        pool.close()


def test_hostile_files_are_rejected_with_the_cli_kinds(sqlite_portal: Portal, tmp_path):
    """Every file of the hostile corpus: rejected or evaluated exactly as `cpscore evaluate`
    does, never a 5xx."""
    import subprocess
    import sys

    corpus = tmp_path / "corpus"
    subprocess.run(
        [sys.executable, str(EXAMPLES.parents[1] / "tests/hostile/make_corpus.py"), str(corpus)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    from cpscore.common.errors import InputError
    from cpscore.pipeline import evaluate_workbook
    from cpscore.read.workbook import WorkbookErrors
    from cpscore.system.catalog import load

    system = load("cement")
    files = sorted(f for f in corpus.rglob("*") if f.is_file())
    assert files
    for f in files:
        r = sqlite_portal.client.post(
            "/api/v1/evaluate", data={"sector": "cement"}, files={"file": (f.name, f.read_bytes())}
        )
        assert r.status_code in (200, 413, 422), (f, r.status_code)
        try:
            evaluate_workbook(str(f), system)
            want = None
        except WorkbookErrors as e:
            want = e.errors[0].kind
        except InputError as e:
            want = e.kind
        if r.status_code == 200:
            assert want is None, f
        elif r.status_code == 422:
            assert r.json()["error"]["kind"] == want, f


def test_text_typed_by_people_is_escaped(sqlite_portal: Portal):
    p = sqlite_portal
    p.sign_in()
    cid = p.campaign()
    p.post(
        f"/admin/campaigns/{cid}/firms",
        {"code": "X1", "name": "<script>alert(1)</script>", "contact": "=cmd|' /C calc'!A0"},
    )
    page = p.client.get(f"/admin/campaigns/{cid}").text
    assert (
        "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    )
    links = p.client.get(f"/admin/campaigns/{cid}/links.csv").content.decode("utf-8-sig")
    assert "'=cmd" in links  # a spreadsheet does not run it as a formula
    r = p.client.get("/admin/login?next=%22%3E%3Cscript%3Ex%3C/script%3E")
    assert "<script>x</script>" not in r.text


def _hang(_path, _system):
    import time

    time.sleep(120)


def test_a_hung_reader_is_stopped_and_the_pool_goes_on(cement):
    from cpscore.batch.run import ReadingPool

    pool = ReadingPool(cement, 1, timeout=3)
    try:
        got = pool.read(EXAMPLES / "plant-advanced.xlsx", _hang)
        assert got.rejections[0].errors[0]["kind"] == "internal"
        assert "over 3 s" in got.rejections[0].errors[0]["found"]
        assert pool.read(EXAMPLES / "plant-advanced.xlsx").records  # a fresh worker
    finally:
        pool.close()
