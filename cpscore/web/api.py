"""The stateless evaluation API for programs (a firm's ERP): ``POST /api/v1/evaluate``.

It answers with the result document of ``cpscore evaluate --format json``
(``schemas/result.schema.json``), or with ``?format=xlsx`` the Excel scorecard, or a JSON error
``{"error": {"kind", "file", "sheet", "cell", "found", "expected", "message"[, "errors": [...]]}}``
exactly as the CLI prints it with ``--format json``. Nothing is stored: the upload is deleted as soon as it has been evaluated.
"""

from __future__ import annotations

import shutil
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response

from cpscore.common.errors import CpscoreError
from cpscore.common.i18n import _

from .evaluation import Wanted
from .service import Service, system
from .storage import TooLarge, temporary

router = APIRouter(prefix="/api/v1", tags=["evaluation"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["kind", "file", "sheet", "cell", "message"],
            "properties": {
                k: {"type": "string"}
                for k in ("kind", "file", "sheet", "cell", "message", "found", "expected")
            }
            | {"errors": {"type": "array", "items": {"type": "object"}}},
        },
    },
}


def error_response(status: int, errors: list[dict[str, str]]) -> JSONResponse:
    """The JSON error of ``cpscore evaluate --format json``: the first error's fields, and with
    several every one under ``errors``."""
    plain = [{k: v for k, v in e.items() if k != "line"} for e in errors]
    error = {**plain[0], "errors": plain} if len(plain) > 1 else plain[0]
    return JSONResponse({"error": error}, status_code=status)


def usage_error(text: str, status: int = 400) -> JSONResponse:
    return JSONResponse(
        {"error": {"kind": "usage", "file": "", "sheet": "", "cell": "", "message": text}},
        status_code=status,
    )


def bundled_system(sector: str | None, system_id: str | None) -> Any:
    """A bundled system by sector (the version in force today) or by id; never a server path."""
    from cpscore.system.catalog import bundled, resolve

    if system_id and system_id not in {e.id for e in bundled()}:
        ids = ", ".join(e.id for e in bundled())
        raise CpscoreError(
            _("unknown system id {id!r}; bundled systems: {ids}").format(id=system_id, ids=ids)
        )
    return system(str(resolve(sector, system_id or None, None)))


@router.post(
    "/evaluate",
    summary="Evaluate one plant workbook",
    responses={
        200: {
            "description": "The result document (schemas/result.schema.json), or with "
            "format=xlsx the Excel scorecard.",
            "content": {"application/json": {"schema": {"type": "object"}}, XLSX: {}},
        },
        400: {
            "description": "Usage error",
            "content": {"application/json": {"schema": ERROR_SCHEMA}},
        },
        413: {
            "description": "Upload too large",
            "content": {"application/json": {"schema": ERROR_SCHEMA}},
        },
        422: {
            "description": "The workbook cannot be evaluated: every problem with its file, "
            "sheet and cell.",
            "content": {"application/json": {"schema": ERROR_SCHEMA}},
        },
    },
)
def evaluate(
    request: Request,
    file: Annotated[UploadFile, File(description="The plant workbook (.xlsx, cpscore template)")],
    sector: Annotated[str | None, Form(description="Sector; the version in force today")] = None,
    system_id: Annotated[
        str | None, Form(alias="system", description="A bundled system id (wins over sector)")
    ] = None,
    lang: Annotated[Literal["zh", "en"], Form()] = "zh",
    strict: Annotated[bool, Form(description="Refuse missing values (--strict)")] = False,
    format: Annotated[Literal["json", "xlsx"], Query()] = "json",
) -> Response:
    service: Service = request.app.state.service
    try:
        sys_ = bundled_system(sector, system_id)
    except CpscoreError as e:
        return usage_error(e.describe())
    try:
        stored = temporary(
            file.file, file.filename, service.settings.data, service.settings.max_upload
        )
    except TooLarge as e:
        return usage_error(e.describe(), 413)
    try:
        want = Wanted(
            stored.filename,
            langs=(lang,),  # the errors, and the document (cheap beside reading)
            paths=False,
            strict=strict,
            scorecard=lang if format == "xlsx" else None,
            tmp=str(service.settings.data / "tmp"),
        )
        outcome = service.evaluator.evaluate(sys_, stored.path, want)
        if outcome.result is None:
            return error_response(422, outcome.errors[lang])
        if outcome.result.scorecard is not None:
            return Response(
                outcome.result.scorecard,
                media_type=XLSX,
                headers={"Content-Disposition": 'attachment; filename="scorecard.xlsx"'},
            )
        return JSONResponse(outcome.result.documents[lang])
    finally:
        shutil.rmtree(stored.path.parent, ignore_errors=True)
