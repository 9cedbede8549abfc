"""A firm's submission: kept as uploaded, evaluated, and recorded in one transaction."""

from __future__ import annotations

from typing import BinaryIO

from cpscore.common.errors import CpscoreError
from cpscore.common.i18n import _

from .evaluation import Wanted
from .models import Campaign, Firm, Submission
from .service import Service, now, open_until, system
from .storage import keep


class Closed(CpscoreError):
    """The campaign's deadline has passed."""


def submit(
    service: Service, firm: Firm, campaign: Campaign, source: BinaryIO, name: str | None
) -> int:
    """Store, evaluate and record one upload; the new submission's id. Raises TooLarge, Closed."""
    if now() >= open_until(campaign.deadline):
        raise Closed(_("the deadline of this campaign has passed"))
    data = service.settings.data
    stored = keep(source, name, data, service.settings.max_upload)
    outcome = service.evaluator.evaluate(
        system(campaign.system_id), stored.path, Wanted(stored.filename)
    )
    got = outcome.result
    with service.db.begin() as db:
        sub = Submission(
            firm_id=firm.id,
            campaign_id=campaign.id,
            received_at=now(),
            filename=stored.filename,
            stored=stored.relative,
            size=stored.size,
            sha256=stored.sha256,
            status="evaluated" if outcome.ok else "rejected",
            class_id=got.klass if got else None,
            score=got.score if got else None,
            result={"doc": got.documents, "path": got.paths} if got else None,
            errors=None if got else outcome.errors,
            note="",
        )
        db.add(sub)
        db.flush()
        sid = sub.id
    if got is not None:
        service.lists.remember(sid, got.records)
    return sid
