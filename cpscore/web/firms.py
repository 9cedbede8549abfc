"""A firm's pages, opened by its campaign link: the campaign, the template, the upload, results.

The link's token is the only key: a firm sees its own submissions and nothing else (another
firm's submission id answers 404, like an id that does not exist). A revoked link opens nothing.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from cpscore.common.i18n import N_

from . import downloads
from .admin import scorecard_response
from .forms import posted
from .models import Campaign, Firm, Submission
from .pages import lang_of, page
from .service import Service, now, open_until, system
from .storage import TooLarge
from .submissions import Closed, submit
from .text import translator

router = APIRouter(prefix="/f", include_in_schema=False)


def firm_of(db: Session, token: str) -> tuple[Firm, Campaign]:
    firm = db.scalar(select(Firm).where(Firm.token == token)) if len(token) >= 20 else None
    if firm is None:
        raise HTTPException(404)
    return firm, firm.campaign


def own_submission(db: Session, firm: Firm, sid: int) -> Submission:
    sub = db.get(Submission, sid)
    if sub is None or sub.firm_id != firm.id:
        raise HTTPException(404)
    _ = sub.firm
    return sub


def firm_page(
    request: Request, token: str, status: int = 200, problem: str | None = None
) -> Response:
    service: Service = request.app.state.service
    with service.db() as db:
        firm, campaign = firm_of(db, token)
        subs = db.scalars(
            select(Submission).where(Submission.firm_id == firm.id).order_by(Submission.id.desc())
        ).all()
    return page(
        request,
        "firm.html",
        status=status,
        firm=firm,
        campaign=campaign,
        system=system(campaign.system_id),
        submissions=subs,
        counted=next((s for s in subs if s.status == "evaluated"), None),
        open=now() < open_until(campaign.deadline),
        until=open_until(campaign.deadline),
        base=f"/f/{token}",
        problem=problem,
    )


@router.get("/{token}")
def firm_home(request: Request, token: str) -> Response:
    return firm_page(request, token)


@router.get("/{token}/template.xlsx")
def template(request: Request, token: str) -> Response:
    from cpscore.views.template import write_plant_workbook

    service: Service = request.app.state.service
    with service.db() as db:
        _firm, campaign = firm_of(db, token)
    lang = lang_of(request)
    body = downloads.written(
        service.settings.data / "tmp",
        "template.xlsx",
        lambda p: write_plant_workbook(system(campaign.system_id), p, lang),
    )
    return downloads.attachment(body, downloads.XLSX, f"{campaign.system_id}-template.xlsx")


@router.post("/{token}/submissions")
async def upload(request: Request, token: str) -> Response:
    service: Service = request.app.state.service
    t = translator(lang_of(request))
    with service.db() as db:
        firm, campaign = firm_of(db, token)
    form = await posted(request)
    file = form.get("file")
    if file is None or isinstance(file, str) or not file.filename:
        return firm_page(
            request, token, 400, t(N_("Choose the filled workbook (.xlsx) to upload."))
        )
    from starlette.concurrency import run_in_threadpool

    try:
        sid = await run_in_threadpool(submit, service, firm, campaign, file.file, file.filename)
    except TooLarge as e:
        return firm_page(request, token, 413, e.describe())
    except Closed:
        return firm_page(request, token, 403, t(N_("The deadline of this campaign has passed.")))
    return RedirectResponse(f"/f/{token}/submissions/{sid}", status_code=303)


def own(request: Request, token: str, sid: int) -> tuple[Campaign, Submission]:
    service: Service = request.app.state.service
    with service.db() as db:
        firm, campaign = firm_of(db, token)
        return campaign, own_submission(db, firm, sid)


@router.get("/{token}/submissions/{sid}")
def result(request: Request, token: str, sid: int) -> Response:
    campaign, sub = own(request, token, sid)
    return page(
        request,
        "result.html",
        campaign=campaign,
        sub=sub,
        base=f"/f/{token}/submissions/{sid}",
        back=f"/f/{token}",
    )


@router.get("/{token}/submissions/{sid}/scorecard.xlsx")
def scorecard(request: Request, token: str, sid: int) -> Response:
    return scorecard_response(request, *own(request, token, sid))
