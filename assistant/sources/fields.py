"""Small value helpers shared by the parsers of loosely structured formats (JSONL, CSV)."""

from __future__ import annotations

import re
from collections.abc import Mapping


def split_authors(value: object) -> tuple[str, ...]:
    """Authors from a list, or from one string joined by ";" (preferred) or " and "."""
    if value is None:
        return ()
    if isinstance(value, list | tuple):
        return tuple(str(item).strip() for item in value if str(item).strip())
    text = str(value).strip()
    if not text:
        return ()
    separator = r"\s*;\s*" if ";" in text else r"\s+and\s+"
    return tuple(part for part in re.split(separator, text, flags=re.IGNORECASE) if part)


def first_of(record: Mapping[str, object], *names: str) -> object | None:
    """The first non-empty value among `names` (already lower-cased keys)."""
    for name in names:
        value = record.get(name)
        if value is None:
            continue
        if isinstance(value, str) and not value.strip():
            continue
        return value
    return None


def as_text(value: object | None) -> str | None:
    """A scalar as a string (numbers included); None and containers give None."""
    if value is None or isinstance(value, dict | list | tuple | bool):
        return None
    text = str(value).strip()
    return text or None
