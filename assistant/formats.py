"""How a conversation or comparison is exported, and how a note cites: the one definition the
CLI's choices and the exporters share (standard library only, so `litassist --help` stays fast).
"""

from __future__ import annotations

from typing import Literal, get_args

ExportFormat = Literal["md", "json", "bibtex"]
CitationStyle = Literal["footnote", "pandoc"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = get_args(ExportFormat)
CITATION_STYLES: tuple[CitationStyle, ...] = get_args(CitationStyle)
