"""Rendering a page: the reader's language, the CSRF token of its forms, the error page."""

from __future__ import annotations

import secrets
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates

from cpscore.common.version import __version__
from cpscore.common.words import level_label, number_text
from cpscore.views.text import answer_text, gap_text

from .security import CSRF_COOKIE
from .service import CHINA, Service, aware
from .text import pick, translator

HERE = Path(__file__).parent


@cache
def sector_names() -> dict[str, str]:
    from cpscore.system.coverage import rows

    return {r.sector: r.zh for r in rows()}


def sector_label(sector: str, lang: str) -> str:
    """水泥 (cement): the plan's Chinese name of a sector beside its id."""
    zh = sector_names().get(sector)
    return f"{zh} ({sector})" if zh and lang == "zh" else sector


templates = Jinja2Templates(directory=str(HERE / "templates"))
# The result pages show numbers, levels and gaps as the terminal view does.
templates.env.filters.update(
    num=number_text,
    level=level_label,
    gap=gap_text,
    answer=answer_text,
    short=lambda h: (h or "")[:12],
    sector=sector_label,
    when=lambda t: aware(t).astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S") + " (UTC+8)",
)


def lang_of(request: Request) -> str:
    chosen = request.query_params.get("lang") or request.cookies.get("lang")
    return pick(chosen or request.app.state.service.settings.lang)


def csrf_token(request: Request) -> str:
    token = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf", None)
    if not token:
        token = request.state.new_csrf = secrets.token_urlsafe(32)
    return token


def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A template rendered in the reader's language, with the CSRF token its forms carry."""
    lang = lang_of(request)
    service: Service = request.app.state.service
    response = templates.TemplateResponse(
        request,
        name,
        {
            "lang": lang,
            "_": translator(lang),
            "csrf": csrf_token(request),
            "version": __version__,
            "max_mb": service.settings.max_upload // 2**20,
            **context,
        },
        status_code=status,
    )
    remember(request, response)
    return response


def remember(request: Request, response: Response) -> None:
    secure = request.app.state.service.settings.secure_cookies
    if getattr(request.state, "new_csrf", None):
        response.set_cookie(
            CSRF_COOKIE, request.state.new_csrf, httponly=True, samesite="lax", secure=secure
        )
    if request.query_params.get("lang") in ("zh", "en"):
        response.set_cookie(
            "lang",
            request.query_params["lang"],
            max_age=365 * 86400,
            httponly=True,
            samesite="lax",
            secure=secure,
        )


def error_page(request: Request, status: int, message: str) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse(
            {"error": {"kind": "http", "file": "", "sheet": "", "cell": "", "message": message}},
            status_code=status,
        )
    return page(request, "error.html", status=status, status_code=status, message=message)
