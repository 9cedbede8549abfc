"""Fixtures of the web service's tests: the app on SQLite and on a PostgreSQL server started
here when one is installed, a signed-in administrator, and a live server on a loopback port."""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytest.importorskip("fastapi")

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "cement"
PASSWORD = "correct horse battery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """A throwaway PostgreSQL cluster in a temp folder on a free loopback port (as the
    'postgres' user when this runs as root: initdb refuses root)."""
    bindir = _pg_bin()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    root = Path(tempfile.mkdtemp(prefix="cpscore-pg-"))
    prefix: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            pytest.skip("running as root without runuser: cannot start PostgreSQL")
        prefix = ["runuser", "-u", "postgres", "--"]
        shutil.chown(root, "postgres")
    port = free_port()
    datadir = root / "data"

    def run(*args: str) -> None:
        subprocess.run(prefix + list(args), check=True, capture_output=True, timeout=120)

    run(str(bindir / "initdb"), "-D", str(datadir), "-U", "cpscore", "--auth=trust", "-E", "UTF8")
    run(
        str(bindir / "pg_ctl"),
        "-D",
        str(datadir),
        "-l",
        str(root / "log"),
        "-w",
        "-o",
        f"-p {port} -k {root} -h 127.0.0.1 -c fsync=off",
        "start",
    )
    try:
        url = f"postgresql://cpscore@127.0.0.1:{port}/postgres"
        yield url
    finally:
        with contextlib.suppress(Exception):
            run(str(bindir / "pg_ctl"), "-D", str(datadir), "-m", "immediate", "stop")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    with postgres_server() as url:
        yield url


def _reset(url: str) -> None:
    from sqlalchemy import create_engine, text

    from cpscore.web.database import engine_url

    engine = create_engine(engine_url(url, Path(".")))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest) -> str | None:
    """None (SQLite under the data folder) or the URL of a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return None
    url = request.getfixturevalue("pg_url")
    _reset(url)
    return url


@dataclass
class Portal:
    """A browser-like client of the app: cookies kept, the CSRF token at hand."""

    client: object
    data: Path

    @property
    def csrf(self) -> str:
        token = self.client.cookies.get("cpscore_csrf")
        if not token:
            self.client.get("/admin/login")
            token = self.client.cookies.get("cpscore_csrf")
        return token

    def post(self, url: str, data: dict | None = None, **kw):
        return self.client.post(url, data={"csrf": self.csrf, **(data or {})}, **kw)

    def sign_in(self, name: str = "admin", password: str = PASSWORD):
        return self.post("/admin/login", {"name": name, "password": password, "next": "/admin"})

    def campaign(
        self, deadline: str = "2099-12-31", system: str = "cement-2014-illustrative"
    ) -> int:
        r = self.post(
            "/admin/campaigns",
            {"name": "水泥 2025", "system": system, "period": "2025", "deadline": deadline},
        )
        assert r.status_code == 200, r.text
        return int(str(r.url).rstrip("/").split("/")[-1])

    def firm(self, cid: int, code: str, name: str) -> str:
        """Adds the firm; returns its link's path."""
        r = self.post(f"/admin/campaigns/{cid}/firms", {"code": code, "name": name, "contact": ""})
        assert r.status_code == 200
        return self.links(cid)[code]

    def links(self, cid: int) -> dict[str, str]:
        r = self.client.get(f"/admin/campaigns/{cid}/links.csv")
        rows = [line.split(",") for line in r.content.decode("utf-8-sig").splitlines()[1:]]
        return {row[0]: re.sub(r"^https?://[^/]+", "", row[3]) for row in rows if row[3]}

    def upload(self, link: str, path: Path, name: str | None = None, content: bytes | None = None):
        body = path.read_bytes() if content is None else content
        return self.post(f"{link}/submissions", files={"file": (name or path.name, body)})


def make_app(data: Path, database: str | None = None, **kw):
    from cpscore.web.app import create_app
    from cpscore.web.service import Settings, add_admin

    settings = Settings(data, database, workers=1, **kw)
    add_admin(settings, "admin", PASSWORD)
    return create_app(Settings(data, database, workers=1, **kw))


@pytest.fixture
def portal(tmp_path: Path, database: str | None) -> Iterator[Portal]:
    from fastapi.testclient import TestClient

    app = make_app(tmp_path / "data", database)
    with TestClient(app, follow_redirects=True) as client:
        yield Portal(client, tmp_path / "data")


@pytest.fixture
def sqlite_portal(tmp_path: Path) -> Iterator[Portal]:
    from fastapi.testclient import TestClient

    app = make_app(tmp_path / "data", None, max_upload=1 << 20)
    with TestClient(app, follow_redirects=True) as client:
        yield Portal(client, tmp_path / "data")


class LiveServer:
    """`cpscore serve` in a process of its own on a free loopback port."""

    def __init__(self, data: Path, database: str | None = None):
        self.data, self.database = data, database
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        env = {**os.environ, "CPSCORE_ADMIN_PASSWORD": PASSWORD}
        subprocess.run(
            self._cmd("--add-admin", "admin"), check=True, env=env, capture_output=True, timeout=120
        )

    def _cmd(self, *extra: str) -> list[str]:
        cmd = [sys.executable, "-m", "cpscore", "serve", "--lang", "zh", "--data", str(self.data)]
        if self.database:
            cmd += ["--database", self.database]
        return [*cmd, *extra]

    def start(self) -> LiveServer:
        self.proc = subprocess.Popen(
            self._cmd("--port", str(self.port), "--jobs", "2"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its reading processes are killed with it
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(self.url + "/healthz", timeout=2),
            ):
                return self
            if self.proc.poll() is not None:
                raise RuntimeError("cpscore serve exited")
            time.sleep(0.2)
        raise RuntimeError("cpscore serve did not start")

    def kill(self) -> None:
        """SIGKILL to the server and its reading processes (its own process group)."""
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(20)
        self.kill()


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path / "data").start()
    try:
        yield server
    finally:
        server.stop()
