"""Tab completion of file and folder paths for the TUI's path prompts: a Textual `Suggester`
over the file system (Textual ships list-based suggesters only)."""

from __future__ import annotations

import os
from pathlib import Path

from textual.suggester import Suggester


def complete_path(value: str) -> str | None:
    """`value` completed to the longest unambiguous path it starts: the one entry of its folder
    whose name starts with the last part typed (a folder gets a trailing `/`), or the common
    prefix of several.  `~` is kept as typed; hidden entries only when a `.` is typed."""
    if "/" not in value and value.startswith("~"):
        return value + "/" if value == "~" else None
    head, slash, start = value.rpartition("/")
    folder = Path(os.path.expanduser(head + slash)) if slash else Path(".")
    hidden = start.startswith(".")
    try:
        names = sorted(
            entry.name + ("/" if entry.is_dir() else "")
            for entry in os.scandir(folder)
            if entry.name.startswith(start) and (hidden or not entry.name.startswith("."))
        )
    except OSError:
        return None
    # Characters, not path components: the names of one folder completed as far as they agree.
    common = os.path.commonprefix(names) if names else ""  # noqa: RUF071
    if len(common) <= len(start):
        return None
    return head + slash + common


class PathSuggester(Suggester):
    """Suggests the completion of the path typed (shown dimmed; Tab or → accepts it)."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)  # the disk changes

    async def get_suggestion(self, value: str) -> str | None:
        return complete_path(value)
