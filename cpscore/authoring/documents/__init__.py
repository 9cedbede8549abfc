"""Readers of the published documents themselves (PDF, Word .docx) into the table model.

Each reader finds the indicator table (the one whose header names 二级指标), joins its
continuations over pages or tables (a repeated header is dropped), keeps the place of every cell
and what the document states around the table (its title, the classification section); the
interpretation is import-table's, the same as for a workbook.
"""

from __future__ import annotations

from pathlib import Path

from cpscore.common.errors import InputError, Location
from cpscore.common.i18n import _


def read_document(path: Path, pages: str | None = None):  # -> TableSource
    """The table model of a .pdf or .docx; a .doc is refused (save it as .docx)."""
    from .limits import check_file

    suffix = path.suffix.lower()
    if suffix == ".doc":
        raise InputError(
            "doc_format",
            Location(str(path)),
            _("a Word 97-2003 .doc file"),
            _("a .docx: open it in Word or WPS and save as .docx (or export it as PDF)"),
        )
    check_file(path)
    if suffix == ".pdf":
        from .pdf import read_pdf

        return read_pdf(path, pages)
    if pages:
        raise InputError(
            "option", Location(str(path)), _("--pages given for a Word file"), _("a PDF")
        )
    from .docx import read_docx

    return read_docx(path)
