"""Safe file writing: atomic replace (temp file, fsync, rename) and portable file names."""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from pathlib import Path

from assistant.errors import LitassistError


def current_umask() -> int:
    """The process's umask (read without changing it where Linux tells; else set and restored,
    which is how POSIX offers it)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: Path, text: str, *, overwrite: bool = False) -> Path:
    """Write `text` to `path` so a crash leaves either the old file or the new one, never half.

    Refuses to replace an existing file unless `overwrite` is true.  The file gets the mode any
    new file of the user gets (0666 less the umask; a replaced file keeps its own): the
    temporary file it is written through is created private (0600).
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise LitassistError(f"{path} already exists; use --force to overwrite it.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        mode = path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~current_umask()
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise LitassistError(f"Cannot write {path}: {exc.strerror or exc}.") from exc
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if not overwrite and path.exists():
            raise LitassistError(f"{path} already exists; use --force to overwrite it.")
        os.replace(tmp, path)
    except OSError as exc:
        raise LitassistError(f"Cannot write {path}: {exc.strerror or exc}.") from exc
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def safe_filename(name: str, *, max_length: int = 80) -> str:
    """A portable file name from free text: ASCII letters, digits, '-', '_' and '.'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_name).strip("-._")
    cleaned = re.sub(r"-{2,}", "-", cleaned)[:max_length].rstrip("-._")
    return cleaned or "untitled"
