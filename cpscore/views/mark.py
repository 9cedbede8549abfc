"""The mark every workbook cpscore writes carries: a custom document property.

A list or scorecard saved into a folder of submissions is then known for what it is when the
next batch finds it there (:mod:`cpscore.read.safety` reads the mark; the batch skips the file
with a note). Templates are not marked: a firm fills one in and submits it.
"""

from __future__ import annotations

from typing import Any

from cpscore.read.safety import OUTPUT_MARK


def mark(wb: Any, what: str) -> None:
    """Mark an openpyxl workbook as cpscore's ``what`` ('list', 'scorecard', 'indicator table')."""
    from openpyxl.packaging.custom import StringProperty

    wb.custom_doc_props.append(StringProperty(name=OUTPUT_MARK, value=what))
