"""The running service: its settings, database, reading pools and lists, shared by requests."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlalchemy import select

from cpscore.common.errors import UsageError
from cpscore.common.i18n import _
from cpscore.system.model import System

from . import database
from .evaluation import Evaluator
from .lists import CampaignLists
from .models import Admin
from .security import Sessions, Throttle, hash_password, secret_key
from .storage import clean_tmp

# Deadlines are dates in China: a submission counts until the end of that day, Beijing time.
CHINA = dt.timezone(dt.timedelta(hours=8), "CST")


@dataclass
class Settings:
    data: Path
    database: str | None = None
    max_upload: int = 20 << 20  # bytes; a filled plant workbook is tens of KB
    workers: int = 0  # reading processes; 0: one per core
    public_url: str | None = None  # the address firms' links start with (else the request's)
    secure_cookies: bool = False  # set behind HTTPS
    lang: str = "zh"  # pages' language until the reader switches


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def aware(t: dt.datetime) -> dt.datetime:
    """SQLite gives back naive times; they were stored in UTC."""
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def open_until(deadline: dt.date) -> dt.datetime:
    return dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time(), CHINA)


@cache
def system(ref: str) -> System:
    from cpscore.system.catalog import load

    return load(None, ref, None)


class Service:
    def __init__(self, settings: Settings):
        self.settings = settings
        data = settings.data = Path(settings.data).resolve()
        data.mkdir(parents=True, exist_ok=True)
        clean_tmp(data)
        self.engine = database.open_engine(database.engine_url(settings.database, data))
        database.migrate(self.engine)
        self.db = database.sessions(self.engine)
        self.sessions = Sessions(secret_key(data))
        self.throttle = Throttle()
        workers = settings.workers or min(4, os.cpu_count() or 1)
        self.evaluator = Evaluator(workers)
        self.lists = CampaignLists(self.evaluator, data)

    def close(self) -> None:
        self.evaluator.close()
        self.engine.dispose()


def add_admin(settings: Settings, name: str, password: str) -> bool:
    """Create the administrator, or set a new password; True when created."""
    name = name.strip()
    if not name or len(password) < 8:
        raise UsageError(_("an administrator needs a name and a password of 8 characters or more"))
    data = Path(settings.data)
    data.mkdir(parents=True, exist_ok=True)
    engine = database.open_engine(database.engine_url(settings.database, data))
    try:
        database.migrate(engine)
        with database.sessions(engine).begin() as db:
            admin = db.scalar(select(Admin).where(Admin.name == name))
            if admin is None:
                db.add(Admin(name=name, password_hash=hash_password(password), created_at=now()))
                return True
            admin.password_hash = hash_password(password)
            return False
    finally:
        engine.dispose()
