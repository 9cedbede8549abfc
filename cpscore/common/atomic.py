"""Writing outputs atomically, and never over an input.

An output is written to a temporary file in the target folder and renamed into place, so a
full disk, a read-only folder or a crash leaves the previous output as it was; the error then
names the output, never the temporary file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from .errors import CpscoreError, UsageError
from .i18n import _


class OutputError(CpscoreError):
    """An output that could not be written (no space left, permission denied …)."""


def reason(e: OSError) -> str:
    """What happened, in a few words: 'no space left on device', 'permission denied'."""
    if e.errno is not None:
        return os.strerror(e.errno).lower()
    return str(e).lower() or type(e).__name__


def output_error(target: str | Path, e: OSError) -> OutputError:
    previous = _("; the previous file is unchanged") if Path(target).exists() else ""
    return OutputError(
        _("cannot write {path}: {reason}{previous}").format(
            path=target, reason=reason(e), previous=previous
        )
    )


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target`` in one step.

    Any OSError (the folder cannot be made, the disk is full, a read-only folder) is raised as
    an OutputError naming ``target``.
    """
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".tmp" + target.suffix, dir=target.parent
        )
        os.close(fd)
    except OSError as e:
        raise output_error(target, e) from None
    try:
        yield Path(tmp)
        # mkstemp creates 0600; an output gets the permissions any new file would get.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        with open(tmp, "rb") as fh:  # on disk before the rename, so a crash leaves old or new
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise output_error(target, e) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_text(target: str | Path, text: str, encoding: str = "utf-8") -> None:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding=encoding)


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether two paths name one file: the same path once links are resolved, or the same
    inode (a hard link, a bind mount)."""
    a, b = Path(a), Path(b)
    with contextlib.suppress(OSError, RuntimeError):
        if a.resolve() == b.resolve():
            return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def refuse_overwriting(
    outputs: Iterable[tuple[str, str | Path | None]],
    inputs: Iterable[str | Path],
    replaceable: Callable[[Path], bool] | None = None,
) -> None:
    """A UsageError when an output (option, path) is one of the inputs; checked before reading.

    ``replaceable`` says of an input that it may be replaced all the same (an earlier output
    of cpscore found among the inputs, which the batch skips).
    """
    inputs = list(inputs)
    for option, out in outputs:
        if not out:
            continue
        for inp in inputs:
            if same_file(out, inp) and not (replaceable and replaceable(Path(inp))):
                raise UsageError(
                    _(
                        "{option} {out} is the input {inp}: an output never replaces an input; "
                        "choose another file name"
                    ).format(option=option, out=out, inp=inp)
                )
