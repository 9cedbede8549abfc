"""Opening the database: SQLite under the data folder by default, PostgreSQL by URL.

The schema is brought up to date by Alembic on every start (``migrations/``), so a new version
of cpscore upgrades an existing service's database in place.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from cpscore.common.errors import UsageError
from cpscore.common.i18n import _

MIGRATIONS = Path(__file__).with_name("migrations")


def engine_url(database: str | None, data: Path) -> str:
    """The SQLAlchemy URL: ``postgresql://`` is run with psycopg 3; default SQLite in ``data``."""
    if not database:
        return f"sqlite:///{data / 'cpscore.sqlite3'}"
    for prefix in ("postgresql://", "postgres://"):
        if database.startswith(prefix):
            return "postgresql+psycopg://" + database[len(prefix) :]
    if database.startswith(("sqlite:///", "postgresql+psycopg://")):
        return database
    raise UsageError(
        _("--database {url}: expected postgresql://user:password@host/db or sqlite:///path").format(
            url=database.split("@")[-1]
        )
    )


def open_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(conn, _record) -> None:  # type: ignore[no-untyped-def]
            # WAL lets pages read while an upload commits; FULL makes a commit survive a kill.
            cur = conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def migrate(engine: Engine) -> None:
    """Create or upgrade the schema to the newest migration."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def sessions(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
