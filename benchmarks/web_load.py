"""Benchmark 6: concurrent uploads to `cpscore serve` on loopback.

N firms (default 50) upload a real plant workbook at the same moment through their campaign
links; every upload must come back as its result page, be stored byte for byte and scored
exactly once (checked in the database and the list afterwards). Prints the latency distribution
and, as the baseline measured in the same run, the latency of one upload alone.

    python -m benchmarks --only 6          # within the benchmark table
    python -m benchmarks.web_load [-n 50]  # on its own
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples" / "cement").glob("plant-*.xlsx"))
PASSWORD = "benchmark password"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(data: Path, jobs: int):
    cmd = [sys.executable, "-m", "cpscore", "serve", "--data", str(data)]
    env = {**os.environ, "CPSCORE_ADMIN_PASSWORD": PASSWORD}
    subprocess.run([*cmd, "--add-admin", "admin"], check=True, env=env, capture_output=True)
    port = _port()
    proc = subprocess.Popen(
        [*cmd, "--port", str(port), "--jobs", str(jobs)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            with contextlib.suppress(OSError), urllib.request.urlopen(url + "/healthz", timeout=2):
                break
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(30)


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))]


def bench_web(n: int = 50, jobs: int | None = None, row=None) -> dict[str, float]:
    import httpx
    from sqlalchemy import create_engine, select
    from sqlalchemy.orm import Session

    from cpscore.web.models import Submission

    jobs = jobs or min(4, os.cpu_count() or 1)
    with tempfile.TemporaryDirectory() as d, serving(Path(d) / "data", jobs) as url:
        admin = httpx.Client(base_url=url, follow_redirects=True, timeout=600)
        admin.get("/admin/login")
        csrf = admin.cookies["cpscore_csrf"]
        admin.post("/admin/login", data={"csrf": csrf, "name": "admin", "password": PASSWORD})
        r = admin.post(
            "/admin/campaigns",
            data={
                "csrf": csrf,
                "name": "load",
                "system": "cement-2014-illustrative",
                "period": "2025",
                "deadline": "2099-12-31",
            },
        )
        cid = str(r.url).rstrip("/").rsplit("/", 1)[1]
        for k in range(n + 1):
            admin.post(
                f"/admin/campaigns/{cid}/firms",
                data={"csrf": csrf, "code": f"F{k:03d}", "name": f"firm {k}", "contact": ""},
            )
        links = admin.get(f"/admin/campaigns/{cid}/links.csv").content.decode("utf-8-sig")
        paths = [line.rsplit(",", 1)[1].replace(url, "") for line in links.splitlines()[1:]]
        bodies = [EXAMPLES[k % len(EXAMPLES)].read_bytes() for k in range(n + 1)]

        def upload(k: int, gate: threading.Barrier | None = None) -> tuple[float, float]:
            with httpx.Client(base_url=url, timeout=600, cookies={"cpscore_csrf": csrf}) as c:
                if gate is not None:
                    gate.wait()  # every client made first: the uploads start together
                t = time.perf_counter()
                r = c.post(
                    f"{paths[k]}/submissions",
                    data={"csrf": csrf},
                    files={"file": (f"plant-{k}.xlsx", bodies[k])},
                    follow_redirects=True,
                )
                end = time.perf_counter()
            assert r.status_code == 200 and 'id="class"' in r.text, (k, r.status_code)
            return t, end

        # The baseline: one upload with nothing else going on (its pool warmed by the first).
        alone = min(end - t for t, end in (upload(n), upload(n)))
        gate = threading.Barrier(n)
        with ThreadPoolExecutor(n) as ex:
            spans = list(ex.map(lambda k: upload(k, gate), range(n)))
        lat = [end - t for t, end in spans]
        wall = max(e for _, e in spans) - min(t for t, _ in spans)

        engine = create_engine(f"sqlite:///{Path(d) / 'data' / 'cpscore.sqlite3'}")
        with Session(engine) as db:
            subs = db.scalars(select(Submission)).all()
        engine.dispose()
        counted = [s for s in subs if s.firm_id <= n]
        assert len(counted) == n and len({s.firm_id for s in counted}) == n, "not exactly once"
        for s in counted:
            body = bodies[s.firm_id - 1]
            assert s.status == "evaluated" and s.sha256 == hashlib.sha256(body).hexdigest()
            assert (Path(d) / "data" / s.stored).read_bytes() == body
        listed = admin.get(f"/admin/campaigns/{cid}/list.jsonl").text.splitlines()
        assert len(listed) == n + 1, "the list does not hold every firm once"

    figures = {
        "p50": statistics.median(lat),
        "p90": _pct(lat, 90),
        "p99": _pct(lat, 99),
        "max": max(lat),
        "wall": wall,
        "alone": alone,
    }
    print(
        f"  {n} concurrent uploads ({jobs} reading processes): "
        + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in figures.items())
        + f"; {n / wall:.1f} uploads/s; all stored and scored exactly once",
        flush=True,
    )
    if row is not None:
        row(
            f"8. web: {n} concurrent uploads, p50 latency",
            f"{figures['p50'] * 1000:.0f} ms (p90 {figures['p90'] * 1000:.0f}, max {figures['max'] * 1000:.0f})",
            f"one upload alone {alone * 1000:.0f} ms",
            figures["p50"] / alone,
            f"informational; wall {wall:.1f} s for {n}",
        )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=50, help="concurrent uploads")
    parser.add_argument("--jobs", type=int, default=None, help="reading processes of the server")
    args = parser.parse_args()
    bench_web(args.n, args.jobs)


if __name__ == "__main__":
    main()
