"""The association's pages: sign-in, campaigns, firms and their links, the live list, downloads.

Every page here needs a signed-in administrator; without a session it redirects to sign-in.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from cpscore.common.i18n import N_

from . import downloads
from .evaluation import Wanted
from .firm_table import read_firms_isolated
from .forms import posted, text
from .lists import latest
from .models import Admin, Campaign, Firm, Submission
from .pages import lang_of, page
from .security import (
    DUMMY_HASH,
    SESSION_COOKIE,
    SESSION_SECONDS,
    check_password,
    new_token,
)
from .service import Service, aware, now, open_until, system
from .storage import TooLarge, temporary
from .text import translator

router = APIRouter(prefix="/admin", include_in_schema=False)


def service_of(request: Request) -> Service:
    return request.app.state.service


def admin_of(request: Request) -> Admin | None:
    service = service_of(request)
    data = service.sessions.load(request.cookies.get(SESSION_COOKIE))
    if not data or not isinstance(data.get("admin"), int):
        return None
    with service.db() as db:
        return db.get(Admin, data["admin"])


class SignIn(Exception):
    """No administrator session: the page redirects to sign-in."""


def require(request: Request) -> Admin:
    admin = admin_of(request)
    if admin is None:
        raise SignIn
    return admin


def to_sign_in(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/admin/login?next={quote(target)}", status_code=303)


def link(request: Request, firm: Firm) -> str | None:
    if not firm.token:
        return None
    base = service_of(request).settings.public_url or str(request.base_url)
    return base.rstrip("/") + f"/f/{firm.token}"


def campaign_of(db: Session, cid: int) -> Campaign:
    campaign = db.get(Campaign, cid)
    if campaign is None:
        raise HTTPException(404)
    return campaign


def submissions_of(db: Session, campaign: Campaign) -> list[Submission]:
    rows = db.scalars(
        select(Submission).where(Submission.campaign_id == campaign.id).order_by(Submission.id)
    ).all()
    for s in rows:
        _ = s.firm  # loaded while the session is open
    return list(rows)


@router.get("/login")
def login_form(request: Request, next: str = "/admin") -> Response:
    return page(request, "login.html", next=_local(next), failed=False)


def _local(target: str) -> str:
    """Only a path on this site (no open redirect)."""
    return target if target.startswith("/") and not target.startswith("//") else "/admin"


@router.post("/login")
async def login(request: Request) -> Response:
    form = await posted(request)
    name, password = text(form, "name", 100), text(form, "password", 1000)
    service = service_of(request)
    key = (name, request.client.host if request.client else "")
    if service.throttle.blocked(key):
        return page(
            request, "login.html", status=429, next=_local(text(form, "next")), throttled=True
        )
    with service.db() as db:
        admin = db.scalar(select(Admin).where(Admin.name == name))
    ok = check_password(admin.password_hash if admin else DUMMY_HASH, password)
    if not (admin and ok):
        service.throttle.failed(key)
        return page(request, "login.html", status=401, next=_local(text(form, "next")), failed=True)
    response = RedirectResponse(_local(text(form, "next")), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        service.sessions.dump({"admin": admin.id}),
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="lax",
        secure=service.settings.secure_cookies,
    )
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    await posted(request)
    response = RedirectResponse("/admin/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


def systems() -> list[Any]:
    from cpscore.system.catalog import bundled

    return list(bundled())


@router.get("")
def home(request: Request) -> Response:
    admin = require(request)
    with service_of(request).db() as db:
        campaigns = db.scalars(select(Campaign).order_by(Campaign.id.desc())).all()
        counts = {
            c.id: (
                len(c.firms),
                len({s.firm_id for s in submissions_of(db, c) if s.status == "evaluated"}),
            )
            for c in campaigns
        }
    return page(
        request,
        "admin_home.html",
        admin=admin,
        campaigns=campaigns,
        counts=counts,
        systems=systems(),
        today=dt.date.today().isoformat(),
        problem=request.query_params.get("problem"),
    )


@router.post("/campaigns")
async def create_campaign(request: Request) -> Response:
    require(request)
    form = await posted(request)
    t = translator(lang_of(request))
    ids = {e.id: e for e in systems()}
    sid = text(form, "system")
    try:
        deadline = dt.date.fromisoformat(text(form, "deadline"))
    except ValueError:
        deadline = None
    name, period = text(form, "name", 200), text(form, "period", 50)
    if sid not in ids or deadline is None or not name or not period:
        problem = t(
            N_(
                "Give the campaign a name, a system, an evaluation period and a deadline (YYYY-MM-DD)."
            )
        )
        return RedirectResponse(f"/admin?problem={quote(problem)}", status_code=303)
    with service_of(request).db.begin() as db:
        c = Campaign(
            name=name,
            sector=ids[sid].sector,
            system_id=sid,
            period=period,
            deadline=deadline,
            created_at=now(),
        )
        db.add(c)
        db.flush()
        cid = c.id
    return RedirectResponse(f"/admin/campaigns/{cid}", status_code=303)


def campaign_view(request: Request, cid: int) -> dict[str, Any]:
    service = service_of(request)
    lang = lang_of(request)
    with service.db() as db:
        campaign = campaign_of(db, cid)
        firms = list(campaign.firms)
        subs = submissions_of(db, campaign)
    sys_ = system(campaign.system_id)
    sl = service.lists.sector_list(cid, sys_, subs, lang)
    counted, _rejected = latest(subs)
    by_firm = {s.firm_id: s for s in counted}
    last_any: dict[int, Submission] = {}
    for s in subs:
        last_any[s.firm_id] = s
    return {
        "campaign": campaign,
        "system": sys_,
        "firms": firms,
        "links": {f.id: link(request, f) for f in firms},
        "counted": by_firm,
        "last": last_any,
        "waiting": [f for f in firms if f.id not in last_any],
        "submissions": list(reversed(subs))[:100],
        "rejected": [s for s in reversed(subs) if s.status == "rejected"][:100],
        "sl": sl,
        "open": now() < open_until(campaign.deadline),
        "colours": {k.id: k.colour for k in sys_.classes},
    }


@router.get("/campaigns/{cid}")
def campaign_page(request: Request, cid: int) -> Response:
    admin = require(request)
    view = campaign_view(request, cid)
    name = "campaign_live.html" if request.query_params.get("part") == "live" else "campaign.html"
    return page(request, name, admin=admin, problem=request.query_params.get("problem"), **view)


def _firm_row(code: str, name: str, contact: str) -> dict[str, str]:
    return {"code": code[:100], "name": name[:300], "contact": contact[:300]}


def add_firms(db: Session, campaign: Campaign, rows: list[dict[str, str]]) -> int:
    known = {f.code for f in campaign.firms}
    added = 0
    for r in rows:
        if not r["name"] or r["code"] in known:
            continue
        db.add(Firm(campaign_id=campaign.id, token=new_token(), **r))
        known.add(r["code"])
        added += 1
    return added


@router.post("/campaigns/{cid}/firms")
async def add_firm(request: Request, cid: int) -> Response:
    require(request)
    form = await posted(request)
    row = _firm_row(text(form, "code", 100), text(form, "name"), text(form, "contact"))
    row["code"] = row["code"] or row["name"]
    with service_of(request).db.begin() as db:
        added = add_firms(db, campaign_of(db, cid), [row])
    if not added:
        t = translator(lang_of(request))
        problem = t(N_("A firm needs a name, and its id must not be in this campaign already."))
        return RedirectResponse(
            f"/admin/campaigns/{cid}?problem={quote(problem)}#firms", status_code=303
        )
    return RedirectResponse(f"/admin/campaigns/{cid}#firms", status_code=303)


@router.post("/campaigns/{cid}/firms/import")
async def import_firms(request: Request, cid: int) -> Response:
    require(request)
    form = await posted(request)
    upload = form.get("file")
    service = service_of(request)
    if upload is None or isinstance(upload, str):
        raise HTTPException(400, "no file")
    try:
        stored = temporary(
            upload.file, upload.filename, service.settings.data, service.settings.max_upload
        )
    except TooLarge as e:
        return RedirectResponse(
            f"/admin/campaigns/{cid}?problem={quote(e.describe())}", status_code=303
        )
    try:
        rows = read_firms_isolated(stored.path, stored.filename)
    finally:
        import shutil

        shutil.rmtree(stored.path.parent, ignore_errors=True)
    if isinstance(rows, str):
        return RedirectResponse(
            f"/admin/campaigns/{cid}?problem={quote(rows)}#firms", status_code=303
        )
    with service.db.begin() as db:
        add_firms(db, campaign_of(db, cid), [_firm_row(*r) for r in rows])
    return RedirectResponse(f"/admin/campaigns/{cid}#firms", status_code=303)


@router.post("/campaigns/{cid}/firms/{fid}/{action}")
async def firm_link(request: Request, cid: int, fid: int, action: str) -> Response:
    require(request)
    await posted(request)
    if action not in ("revoke", "renew"):
        raise HTTPException(404)
    with service_of(request).db.begin() as db:
        firm = db.get(Firm, fid)
        if firm is None or firm.campaign_id != cid:
            raise HTTPException(404)
        firm.token = None if action == "revoke" else new_token()
    return RedirectResponse(f"/admin/campaigns/{cid}#firms", status_code=303)


@router.get("/campaigns/{cid}/links.csv")
def links_csv(request: Request, cid: int) -> Response:
    require(request)
    with service_of(request).db() as db:
        campaign = campaign_of(db, cid)
        firms = list(campaign.firms)
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["企业编号 id", "企业名称 name", "联系人 contact", "链接 link"])
    from cpscore.views.neutralise import for_csv

    for f in firms:
        w.writerow([for_csv(f.code), for_csv(f.name), for_csv(f.contact), link(request, f) or ""])
    body = ("\ufeff" + out.getvalue()).encode("utf-8")
    return downloads.attachment(body, "text/csv; charset=utf-8", f"links-{cid}.csv")


@router.get("/campaigns/{cid}/list.{kind}")
def list_download(request: Request, cid: int, kind: str) -> Response:
    require(request)
    if kind not in downloads.LIST_KINDS:
        raise HTTPException(404)
    service = service_of(request)
    with service.db() as db:
        campaign = campaign_of(db, cid)
        subs = submissions_of(db, campaign)
    sl = service.lists.sector_list(cid, system(campaign.system_id), subs, lang_of(request))
    body = downloads.list_file(sl, kind, service.settings.data / "tmp")
    return downloads.attachment(body, downloads.LIST_KINDS[kind], f"list-{cid}.{kind}")


def submission_of(db: Session, cid: int, sid: int) -> Submission:
    sub = db.get(Submission, sid)
    if sub is None or sub.campaign_id != cid:
        raise HTTPException(404)
    _ = sub.firm
    return sub


@router.get("/campaigns/{cid}/submissions/{sid}")
def submission_page(request: Request, cid: int, sid: int) -> Response:
    admin = require(request)
    with service_of(request).db() as db:
        campaign = campaign_of(db, cid)
        sub = submission_of(db, cid, sid)
    base = f"/admin/campaigns/{cid}/submissions/{sid}"
    return page(
        request,
        "result.html",
        admin=admin,
        campaign=campaign,
        sub=sub,
        base=base,
        back=f"/admin/campaigns/{cid}",
    )


@router.get("/campaigns/{cid}/submissions/{sid}/upload")
def original(request: Request, cid: int, sid: int) -> Response:
    require(request)
    service = service_of(request)
    with service.db() as db:
        sub = submission_of(db, cid, sid)
    body = (service.settings.data / sub.stored).read_bytes()
    return downloads.attachment(body, "application/octet-stream", sub.filename)


@router.get("/campaigns/{cid}/submissions/{sid}/scorecard.xlsx")
def admin_scorecard(request: Request, cid: int, sid: int) -> Response:
    require(request)
    with service_of(request).db() as db:
        campaign = campaign_of(db, cid)
        sub = submission_of(db, cid, sid)
    return scorecard_response(request, campaign, sub)


def scorecard_response(request: Request, campaign: Campaign, sub: Submission) -> Response:
    if sub.status != "evaluated":
        raise HTTPException(404)
    service = service_of(request)
    lang = lang_of(request)
    want = Wanted(
        sub.filename,
        langs=(),
        paths=False,
        scorecard=lang,
        evaluated_at=aware(sub.received_at),
        tmp=str(service.settings.data / "tmp"),
    )
    got = service.evaluator.evaluate(
        system(campaign.system_id), service.settings.data / sub.stored, want
    )
    if got.result is None or got.result.scorecard is None:
        raise HTTPException(404)
    plant = (sub.result or {}).get("doc", {}).get("zh", {}).get("plant", {}).get(
        "id"
    ) or sub.firm.code
    return downloads.attachment(got.result.scorecard, downloads.XLSX, f"scorecard-{plant}.xlsx")
