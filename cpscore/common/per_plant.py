"""Sequences of one item per plant, made when asked for: records, findings.

The evaluation holds each plant's record and findings this way, so a national wide sheet need not
build 100,000 dicts before anyone asks; whole columns are answered at once
(:meth:`PerPlant.column`, :meth:`PerPlant.counts`).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar, overload

import numpy as np

T = TypeVar("T")


class PerPlant(Sequence[T], Generic[T]):
    """n items, one per plant, made by ``item(i)`` when asked for.

    ``column(key)`` (records: one field of every plant) and ``counts()`` (lists: their lengths)
    answer for all plants at once without making the items.
    """

    def __init__(
        self,
        n: int,
        item: Callable[[int], T],
        column: Callable[[str], list[Any]] | None = None,
        counts: Callable[[], np.ndarray] | None = None,
    ):
        self._n, self._item = n, item
        self._column, self._counts = column, counts

    def __len__(self) -> int:
        return self._n

    @overload
    def __getitem__(self, i: int) -> T: ...
    @overload
    def __getitem__(self, i: slice) -> list[T]: ...
    def __getitem__(self, i: int | slice) -> T | list[T]:
        if isinstance(i, slice):
            return [self._item(k) for k in range(*i.indices(self._n))]
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError(i)
        return self._item(i)

    def __iter__(self) -> Iterator[T]:
        return (self._item(i) for i in range(self._n))

    def column(self, key: str) -> list[Any]:
        if self._column is not None:
            return self._column(key)
        return [x.get(key) for x in self]  # type: ignore[attr-defined]

    def counts(self) -> np.ndarray:
        if self._counts is not None:
            return self._counts()
        return np.fromiter(map(len, self), np.int64, self._n)  # type: ignore[arg-type]


def as_per_plant(items: Sequence[T]) -> PerPlant[T]:
    """A list (or any sequence) as a :class:`PerPlant`; a PerPlant as it is."""
    if isinstance(items, PerPlant):
        return items
    return PerPlant(len(items), items.__getitem__)


def concat(parts: list[Sequence[Any]]) -> PerPlant[Any]:
    """The parts one after another, keeping their whole-column shortcuts."""
    if len(parts) == 1:
        return as_per_plant(parts[0])
    starts = np.cumsum([0, *map(len, parts)]).tolist()

    def item(i: int) -> Any:
        k = bisect.bisect_right(starts, i) - 1
        return parts[k][i - starts[k]]

    def column(key: str) -> list[Any]:
        return [v for p in parts for v in as_per_plant(p).column(key)]

    def counts() -> np.ndarray:
        return np.concatenate([as_per_plant(p).counts() for p in parts] or [np.zeros(0, int)])

    return PerPlant(starts[-1], item, column, counts)
