"""Nothing lost: a server killed during an upload leaves the complete submission or none, and
concurrent uploads are each stored and scored exactly once (a live `cpscore serve`)."""

from __future__ import annotations

import hashlib
import http.client
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from cpscore.web.database import engine_url
from cpscore.web.models import Submission

from .conftest import EXAMPLES, LiveServer, Portal


class Browser:
    """The few HTTP calls a person's browser makes, over a real socket."""

    def __init__(self, server: LiveServer):
        import httpx

        self.server = server
        self.http = httpx.Client(base_url=server.url, follow_redirects=True, timeout=120)
        self.portal = Portal(self.http, server.data)


def multipart(csrf: str, name: str, body: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{csrf}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    return head + body + f"\r\n--{boundary}--\r\n".encode(), boundary


def submissions(server: LiveServer) -> list[Submission]:
    engine = create_engine(engine_url(server.database, server.data))
    with Session(engine) as db:
        rows = db.scalars(select(Submission).order_by(Submission.id)).all()
    engine.dispose()
    return list(rows)


def test_killed_mid_upload_leaves_all_or_nothing(tmp_path: Path, database: str | None):
    server = LiveServer(tmp_path / "data", database).start()
    try:
        b = Browser(server)
        b.portal.sign_in()
        cid = b.portal.campaign()
        link = b.portal.firm(cid, "F-01", "一厂")
        csrf = b.http.cookies.get("cpscore_csrf")
        cookie = f"cpscore_csrf={csrf}"
    finally:
        server.stop()
    content = (EXAMPLES / "plant-advanced.xlsx").read_bytes()
    body, boundary = multipart(csrf, "plant-advanced.xlsx", content)
    # Killed: while the body is half sent, then at moments during reading and scoring.
    for delay in (None, 0.0, 0.1, 0.4):
        server.start()
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        conn.putrequest("POST", f"{link}/submissions")
        conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
        conn.putheader("Content-Length", str(len(body)))
        conn.putheader("Cookie", cookie)
        conn.endheaders()
        if delay is None:
            conn.send(body[: len(body) // 2])
            time.sleep(0.3)
        else:
            conn.send(body)
            time.sleep(delay)
        server.kill()
        conn.close()
        for s in submissions(server):  # every recorded submission is complete and its file intact
            stored = server.data / s.stored
            assert stored.read_bytes() == content
            assert s.sha256 == hashlib.sha256(content).hexdigest()
            assert s.status == "evaluated" and s.result["doc"]["zh"]["class"]["level"] == "II"
    # The server starts again on what was left, and a complete upload still works.
    server.start()
    try:
        b = Browser(server)
        b.http.cookies.set("cpscore_csrf", csrf)
        before = len(submissions(server))
        r = b.http.post(
            f"{link}/submissions", data={"csrf": csrf}, files={"file": ("p.xlsx", content)}
        )
        assert r.status_code == 200 and 'id="class"' in r.text
        assert len(submissions(server)) == before + 1
        assert not [f for f in (server.data / "tmp").rglob("*") if f.is_file()]
    finally:
        server.stop()


def test_concurrent_uploads_each_stored_and_scored_once(live: LiveServer):
    b = Browser(live)
    b.portal.sign_in()
    cid = b.portal.campaign()
    n = 12
    links = [b.portal.firm(cid, f"F-{k:02d}", f"厂{k}") for k in range(n)]
    csrf = b.http.cookies.get("cpscore_csrf")
    files = sorted(EXAMPLES.glob("plant-*.xlsx"))
    sent = {k: files[k % len(files)] for k in range(n)}

    def one(k: int):
        import httpx

        with httpx.Client(base_url=live.url, timeout=300, cookies={"cpscore_csrf": csrf}) as c:
            r = c.post(
                f"{links[k]}/submissions",
                data={"csrf": csrf},
                files={"file": (sent[k].name, sent[k].read_bytes())},
                follow_redirects=False,
            )
            return r.status_code, r.headers.get("location", "")

    start = threading.Barrier(n)

    def go(k: int):
        start.wait()
        return one(k)

    with ThreadPoolExecutor(n) as ex:
        got = list(ex.map(go, range(n)))
    assert all(code == 303 for code, _ in got), got
    subs = submissions(live)
    assert len(subs) == n
    assert sorted(s.firm_id for s in subs) == list(range(1, n + 1))
    for s in subs:
        body = sent[s.firm_id - 1].read_bytes()
        assert (live.data / s.stored).read_bytes() == body
        assert s.sha256 == hashlib.sha256(body).hexdigest()
        assert s.status == "evaluated"
    jsonl = b.http.get(f"/admin/campaigns/{cid}/list.jsonl").text.splitlines()
    assert len(jsonl) == n
