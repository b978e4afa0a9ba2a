"""Errors raised by the input parsers."""

from __future__ import annotations

from pathlib import Path

from assistant.errors import LitassistError

SUPPORTED_FORMATS_HINT = (
    "litassist reads BibTeX, RIS, Web of Science, MEDLINE (.nbib), EndNote (.enw, XML), "
    "RefWorks, CSL-JSON/YAML, Crossref, OpenAlex, arXiv and PubMed XML, JSONL, CSV "
    "and title/abstract listings"
)


class UnsupportedFormatError(LitassistError, ValueError):
    """A file whose type litassist cannot read; the message is one line."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")
