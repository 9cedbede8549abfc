"""The web application: routes of the three audiences, pages, limits and error handling.

FastAPI on Starlette (ASGI, served by uvicorn): the OpenAPI schema of the API is published at
``/openapi.json`` by the framework itself. Pages are Jinja2 templates, rendered per request in
the reader's language; no stack trace ever reaches a browser (an unexpected error is logged and
answered with a plain page or JSON error).
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from cpscore.common.i18n import N_
from cpscore.common.version import __version__

from . import admin, api, firms
from .pages import HERE, error_page, lang_of, page
from .service import Service, Settings
from .text import translator

log = logging.getLogger("cpscore.web")
# Room for the multipart envelope and the form's other fields around the file.
ENVELOPE = 64 << 10


class BodyLimit:
    """Refuse a request body over the limit before it is parsed (Content-Length, then counted)."""

    def __init__(self, app: Any, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length", b"").decode() or "0"
        if declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, send)
            return
        seen = 0
        over = refused = False

        async def counted() -> dict:
            nonlocal seen, over
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                over = True
                raise _Over
            return message

        async def watched(message: dict) -> None:
            # Over the limit, whatever the app answers (the framework turns a broken body into a
            # 400) is replaced by the refusal.
            nonlocal refused
            if not over:
                await send(message)
            elif not refused:
                refused = True
                await self._refuse(scope, send)

        try:
            await self.app(scope, counted, watched)
        except _Over:
            if not refused:
                refused = True
                await self._refuse(scope, send)

    async def _refuse(self, scope: dict, send: Any) -> None:
        mb = (self.limit - ENVELOPE) // 2**20
        text = f"the upload is larger than the limit of {mb} MiB / 上传文件超过 {mb} MiB 的上限"
        body = (
            JSONResponse(
                {
                    "error": {
                        "kind": "too_large",
                        "file": "",
                        "sheet": "",
                        "cell": "",
                        "message": text,
                    }
                },
                status_code=413,
            )
            if scope["path"].startswith("/api/")
            else HTMLResponse(f"<!doctype html><meta charset=utf-8><p>{text}</p>", status_code=413)
        )
        await body({"type": "http", **scope}, _no_body, send)


class _Over(Exception):
    pass


async def _no_body() -> dict:
    return {"type": "http.request", "body": b"", "more_body": False}


def create_app(settings: Settings) -> FastAPI:
    service = Service(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):  # type: ignore[no-untyped-def]
        yield
        service.close()

    app = FastAPI(
        title="cpscore",
        version=__version__,
        description="Clean-production evaluation (清洁生产评价): the stateless evaluation API. "
        "Campaign pages for firms and associations are served beside it.",
        lifespan=lifespan,
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.service = service
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(api.router)
    app.include_router(admin.router)
    app.include_router(firms.router)
    app.add_middleware(BodyLimit, limit=settings.max_upload + ENVELOPE)

    @app.middleware("http")
    async def headers(request: Request, call_next: Any) -> Response:
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "no-referrer")  # links carry tokens
        if not request.url.path.startswith("/api/docs"):
            response.headers.setdefault(
                "Content-Security-Policy",
                "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                "frame-ancestors 'none'; form-action 'self'",
            )
        return response

    @app.exception_handler(admin.SignIn)
    async def sign_in(request: Request, _exc: Exception) -> Response:
        return admin.to_sign_in(request)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        t = translator(lang_of(request))
        messages = {
            404: t(N_("Not found.")),
            403: t(N_("Not allowed.")),
            405: t(N_("Not allowed.")),
        }
        return error_page(request, exc.status_code, messages.get(exc.status_code, str(exc.detail)))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in exc.errors()
        )
        if request.url.path.startswith("/api/"):
            return JSONResponse(
                {
                    "error": {
                        "kind": "usage",
                        "file": "",
                        "sheet": "",
                        "cell": "",
                        "message": problems,
                    }
                },
                status_code=400,
            )
        return error_page(request, 400, problems)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s %s", request.method, request.url.path)
        t = translator(lang_of(request))
        return error_page(
            request, 500, t(N_("Something went wrong on the server; it has been logged."))
        )

    @app.get("/", include_in_schema=False)
    def home(request: Request) -> Response:
        return page(request, "home.html")

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    return app
