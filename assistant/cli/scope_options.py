"""The options that narrow `ask` and `search` to part of the library (`assistant.app.Scope`).

Declared once so both commands offer the same flags with the same help; the command receives
them as `year_from`, `year_to`, `paper_refs`, `collections` and `tags`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import click

F = TypeVar("F", bound=Callable[..., object])

_SCOPE_OPTIONS = (
    click.option("--year-from", type=int, help="Only papers from this year on."),
    click.option("--year-to", type=int, help="Only papers up to this year."),
    click.option("--paper", "paper_refs", multiple=True, help="Only these papers (repeatable)."),
    click.option(
        "--collection",
        "collections",
        multiple=True,
        help="Only papers in this collection or its sub-collections (repeatable: any of them).",
    ),
    click.option(
        "--tag", "tags", multiple=True, help="Only papers with this tag (repeatable: all)."
    ),
)


def scope_options(command: F) -> F:
    """Add the scope options, in the order above, where this decorator stands."""
    for option in reversed(_SCOPE_OPTIONS):  # click lists a command's options bottom-up
        command = option(command)
    return command
