"""A campaign's list: the latest evaluated submission of each firm, as a batch result.

The list, its statistics and every download are made by the batch's own code
(:func:`cpscore.engine.sector_list.build` and the writers of ``cpscore batch``) from a
:class:`~cpscore.engine.batch_result.BatchResult` assembled here. Plant records read at upload
are kept in memory; after a restart they are read again from the stored files (in the reading
processes). A list is built once per set of submissions and language.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cpscore.engine.batch_result import BatchResult, Rejection
from cpscore.system.model import System

from .evaluation import Evaluator, score
from .models import Submission

if TYPE_CHECKING:
    from cpscore.engine.sector_list import SectorList


def latest(submissions: list[Submission]) -> tuple[list[Submission], list[Submission]]:
    """Per firm: its latest evaluated submission (the one that counts), and its latest upload
    when that was rejected after it (or with none evaluated)."""
    counted: dict[int, Submission] = {}
    rejected: dict[int, Submission] = {}
    for s in sorted(submissions, key=lambda s: (s.received_at, s.id)):
        if s.status == "evaluated":
            counted[s.firm_id] = s
            rejected.pop(s.firm_id, None)
        else:
            rejected[s.firm_id] = s
    return list(counted.values()), list(rejected.values())


class CampaignLists:
    def __init__(self, evaluator: Evaluator, data: Path, keep: int = 20_000):
        self.evaluator, self.data, self.keep = evaluator, data, keep
        self._records: OrderedDict[int, list[Any]] = OrderedDict()
        self._lists: dict[tuple[Any, ...], SectorList] = {}
        self._lock = threading.Lock()

    def remember(self, submission_id: int, records: list[Any]) -> None:
        with self._lock:
            self._records[submission_id] = records
            while len(self._records) > self.keep:
                self._records.popitem(last=False)

    def records(self, system: System, s: Submission) -> list[Any]:
        with self._lock:
            got = self._records.get(s.id)
        if got is None:
            read = self.evaluator.read(system, self.data / s.stored, s.filename)
            got = read.records
            self.remember(s.id, got)
        return got

    def batch(self, system: System, submissions: list[Submission], lang: str) -> BatchResult:
        counted, rejected = latest(submissions)
        records = [r for s in counted for r in self.records(system, s)]
        evaluation = score(system, records) if records else None
        rejections = [
            Rejection(
                s.filename,
                [
                    {k: v for k, v in e.items() if k != "line"}
                    for e in (s.errors or {}).get(lang, [])
                ],
                plant_id=s.firm.code,
            )
            for s in rejected
        ]
        return BatchResult(system, evaluation, rejections, [s.filename for s in counted + rejected])

    def sector_list(
        self, campaign_id: int, system: System, submissions: list[Submission], lang: str
    ) -> SectorList:
        from cpscore.engine.sector_list import build

        counted, rejected = latest(submissions)
        key = (campaign_id, lang, tuple(sorted(s.id for s in counted + rejected)))
        with self._lock:
            got = self._lists.get(key)
        if got is None:
            got = build(self.batch(system, submissions, lang), lang)
            with self._lock:
                self._lists = {k: v for k, v in self._lists.items() if k[:2] != key[:2]}
                self._lists[key] = got
        return got
