"""The question box: an `Input` that recalls earlier questions with Up and Down, as a shell
does (the text being typed is kept and comes back after the newest question)."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding
from textual.widgets import Input


class QuestionInput(Input):
    BINDINGS = [  # noqa: RUF012  (Textual's class-level declaration)
        Binding("up", "recall(-1)", "Earlier question", show=False),
        Binding("down", "recall(1)", "Later question", show=False),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.asked: list[str] = []
        self._position: int | None = None  # index into `asked` while recalling
        self._draft = ""

    def remember(self, question: str) -> None:
        """Add a sent question to the recall list (a repeat of the last one is kept once)."""
        if not self.asked or self.asked[-1] != question:
            self.asked.append(question)
        self._position = None

    def action_recall(self, step: int) -> None:
        if not self.asked:
            return
        if self._position is None:
            if step > 0:
                return
            self._draft = self.value
            position = len(self.asked) - 1
        else:
            position = self._position + step
        if position < 0:
            return
        if position >= len(self.asked):
            self._position = None
            self.value = self._draft
        else:
            self._position = position
            self.value = self.asked[position]
        self.cursor_position = len(self.value)
