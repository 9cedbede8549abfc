"""A firm's submission: kept as uploaded, evaluated, and recorded in one transaction."""

from __future__ import annotations

import math
from typing import Any, BinaryIO

from cpscore.common.errors import CpscoreError
from cpscore.common.i18n import _

from .models import Campaign, Firm, Submission
from .service import Service, now, open_until, system
from .storage import keep


class Closed(CpscoreError):
    """The campaign's deadline has passed."""


def plain(obj: Any) -> Any:
    """JSON-safe: non-finite numbers become null (PostgreSQL's JSON refuses NaN)."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {str(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [plain(v) for v in obj]
    return obj


def submit(
    service: Service, firm: Firm, campaign: Campaign, source: BinaryIO, name: str | None
) -> int:
    """Store, evaluate and record one upload; the new submission's id. Raises TooLarge, Closed."""
    if now() >= open_until(campaign.deadline):
        raise Closed(_("the deadline of this campaign has passed"))
    data = service.settings.data
    stored = keep(source, name, data, service.settings.max_upload)
    sys_ = system(campaign.system_id)
    outcome = service.evaluator.evaluate(sys_, stored.path, stored.filename)
    result = errors = None
    class_id = score = None
    if outcome.ok:
        from cpscore.engine.next_class import path_to_next_class
        from cpscore.engine.sector_list import rank_score

        ev = outcome.evaluation
        result = plain(
            {
                "doc": {lang: ev.document(0, lang) for lang in ("zh", "en")},
                "path": {lang: path_to_next_class(ev, 0, lang).as_dict() for lang in ("zh", "en")},
            }
        )
        class_id = ev.decisions[0].klass
        score = plain(float(rank_score(ev)[0]))
    else:
        errors = plain(outcome.errors)
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
            class_id=class_id,
            score=score,
            result=result,
            errors=errors,
            note="",
        )
        db.add(sub)
        db.flush()
        sid = sub.id
    if outcome.ok:
        service.lists.remember(sid, outcome.records)
    return sid
