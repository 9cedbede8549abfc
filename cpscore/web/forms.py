"""Reading a posted form: the CSRF token checked first, fields trimmed."""

from __future__ import annotations

from fastapi import HTTPException, Request
from starlette.datastructures import FormData

from .security import CSRF_COOKIE, csrf_ok


async def posted(request: Request) -> FormData:
    form = await request.form(max_files=1, max_fields=50)
    field = form.get("csrf")
    if not csrf_ok(request.cookies.get(CSRF_COOKIE), field if isinstance(field, str) else None):
        raise HTTPException(403, "CSRF")
    return form


def text(form: FormData, name: str, limit: int = 300) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""
