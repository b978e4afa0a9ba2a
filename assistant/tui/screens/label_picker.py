"""Choosing Zotero collections and tags to filter the library by, from the ones it holds.

A modal over Textual's `SelectionList`: every collection path (parents included, since a
collection keeps its sub-collections) and every tag, each with how many papers it keeps; the
ones the filter already names are ticked.  It dismisses with the chosen `LabelSelection`
(enter or Apply) or None (esc); the library writes the choice into its filter as the
`collection:` / `tag:` words one can also type.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, SelectionList, Static
from textual.widgets.selection_list import Selection

from assistant.labels import LabelSelection
from assistant.terminal_safe import terminal_safe

_COLLECTION, _TAG = "collection", "tag"


class LabelPickerScreen(ModalScreen[LabelSelection | None]):
    BINDINGS = [  # noqa: RUF012
        Binding("escape", "cancel", "Cancel"),
        Binding("enter", "apply", "Apply", priority=True),
    ]

    def __init__(
        self, collections: dict[str, int], tags: dict[str, int], chosen: LabelSelection
    ) -> None:
        super().__init__(classes="modal")
        self.collections = collections
        self.tags = tags
        self.chosen = chosen

    def compose(self) -> ComposeResult:
        wanted = [c.casefold().strip("/") for c in self.chosen.collections]

        def named(path: str) -> bool:  # by its full path or its own name, as the filter reads
            folded = path.casefold()
            return any(folded == w or folded.endswith(f"/{w}") for w in wanted)

        wanted_tags = {t.casefold() for t in self.chosen.tags}
        options: list[Selection[tuple[str, str]]] = [
            Selection(
                f"▸ {terminal_safe(path)}  ({count})",
                (_COLLECTION, path),
                named(path),
            )
            for path, count in self.collections.items()
        ]
        options += [
            Selection(
                f"# {terminal_safe(tag)}  ({count})", (_TAG, tag), tag.casefold() in wanted_tags
            )
            for tag, count in self.tags.items()
        ]
        with Vertical(classes="dialog wide"):
            yield Static("Filter by collections and tags", classes="dialog-title")
            if options:
                yield SelectionList[tuple[str, str]](*options, id="labels")
                hint = (
                    "space ticks; a paper in any ticked collection (or below it) and with every "
                    "ticked tag is shown. enter applies, esc cancels."
                )
            else:
                hint = "No paper of this library has a collection or a tag (Zotero gives them)."
            yield Static(hint, classes="dialog-hint")
            with Horizontal(classes="buttons"):
                yield Button("Apply (enter)", variant="primary", id="apply")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        for picker in self.query("#labels"):
            picker.focus()

    @on(Button.Pressed, "#apply")
    def action_apply(self) -> None:
        collections: list[str] = []
        tags: list[str] = []
        for picker in self.query("#labels").results(SelectionList):
            for kind, name in picker.selected:
                (collections if kind == _COLLECTION else tags).append(name)
        self.dismiss(LabelSelection(tuple(collections), tuple(tags)))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
