"""Small value helpers shared by the parsers of loosely structured formats: JSONL and CSV rows,
and the field dicts rispy reads from RIS and Web of Science records."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any


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


def joined_text(fields: Mapping[str, Any], *names: str) -> str | None:
    """The first non-empty value among `names`, a list joined by spaces (rispy gives a field
    written on several lines as a list)."""
    for name in names:
        value = fields.get(name)
        if isinstance(value, list):
            value = " ".join(str(item) for item in value)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def stripped_strings(fields: Mapping[str, Any], *names: str) -> list[str]:
    """Every non-empty value of each of `names` in turn, a single value read as a list of one."""
    values: list[str] = []
    for name in names:
        value = fields.get(name) or []
        items = value if isinstance(value, list) else [value]
        values.extend(str(item).strip() for item in items if str(item).strip())
    return values
