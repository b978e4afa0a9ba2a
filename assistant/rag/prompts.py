"""Prompt templates, loaded by name from `prompts/NAME.md`, overridable per user.

A user's `<config dir>/prompts/NAME.md` (config dir = the folder of config.toml) wins over the
shipped file.  A template starts with an HTML comment saying what it receives; placeholders are
`string.Template` ones (`$question`), and an override that drops a required one is refused with a
clear error rather than silently producing a prompt without the sources.

Source text reaches the model only inside delimited data blocks whose tag carries a random
suffix per question, so an abstract cannot close its block and speak as the user.
"""

from __future__ import annotations

import re
import secrets
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import LitassistError
from assistant.text import first_surname
from assistant.types import Paper, Source

BUILTIN_DIR = Path(__file__).resolve().parents[2] / "prompts"
REQUIRED: Mapping[str, tuple[str, ...]] = {
    "system": (),
    "answer": ("question", "sources", "tag"),
    "condense": ("history", "question"),
}
_HEADER = re.compile(r"\A\s*<!--.*?-->\s*", re.DOTALL)
HISTORY_ANSWER_CHARS = 600
HISTORY_TURNS = 4


class PromptError(LitassistError):
    """A prompt template is missing or unusable."""


@dataclass(frozen=True)
class Prompt:
    name: str
    template: str
    path: Path

    def render(self, **values: str) -> str:
        try:
            return string.Template(self.template).substitute(values)
        except (KeyError, ValueError) as exc:
            raise PromptError(
                f"Prompt {self.path} uses an unknown or malformed placeholder ({exc}); "
                f"it receives: {', '.join('$' + v for v in REQUIRED.get(self.name, ())) or 'none'}."
            ) from exc


def user_prompt_dir(config_file: Path) -> Path:
    return config_file.parent / "prompts"


class PromptLibrary:
    """Finds `NAME.md` in the given folders, first match wins (user folder before shipped)."""

    def __init__(self, folders: Sequence[Path]) -> None:
        self.folders = tuple(folders)
        self._loaded: dict[str, Prompt] = {}

    @classmethod
    def default(cls, user_dir: Path | None = None) -> PromptLibrary:
        return cls([d for d in (user_dir, BUILTIN_DIR) if d is not None])

    def get(self, name: str) -> Prompt:
        if name not in self._loaded:
            self._loaded[name] = self._load(name)
        return self._loaded[name]

    def render(self, name: str, **values: str) -> str:
        return self.get(name).render(**values)

    def _load(self, name: str) -> Prompt:
        if not re.fullmatch(r"[a-z][a-z0-9_-]*", name):
            raise PromptError(f"Invalid prompt name {name!r}.")
        for folder in self.folders:
            path = folder / f"{name}.md"
            if path.is_file():
                try:
                    raw = path.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError) as exc:
                    raise PromptError(f"Cannot read prompt {path}: {exc}.") from exc
                template = _HEADER.sub("", raw, count=1).strip() + "\n"
                named = {
                    m.group("named") or m.group("braced")
                    for m in string.Template.pattern.finditer(template)
                }
                missing = [v for v in REQUIRED.get(name, ()) if v not in named]
                if missing:
                    raise PromptError(
                        f"Prompt {path} lacks {', '.join('$' + v for v in missing)}; "
                        "add it back or delete the file to use the shipped prompt."
                    )
                return Prompt(name, template, path)
        raise PromptError(f"No prompt named {name!r} in {', '.join(str(f) for f in self.folders)}.")


def _attribute(value: str) -> str:
    return (
        value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )


def format_sources(sources: Sequence[Source], tag: str) -> str:
    """Each source as `<tag number=.. title=.. year=..>text</tag>`; the tag cannot occur inside."""
    blocks = []
    for source in sources:
        paper = source.paper
        text = source.passage.chunk.text.replace(tag, tag.replace("-", "‐"))
        attributes = f'number="{source.number}" title="{_attribute(paper.title)}"'
        if paper.year:
            attributes += f' year="{paper.year}"'
        if paper.authors:
            attributes += f' first_author="{_attribute(first_surname(paper.authors))}"'
        blocks.append(f"<{tag} {attributes}>\n{text}\n</{tag}>")
    return "\n\n".join(blocks)


def title_block(label: str, paper: Paper, tag: str) -> str:
    """A data block holding only a paper's title (and year), for a paper without passages."""
    attributes = f'paper="{_attribute(label)}" title="{_attribute(paper.title)}"'
    if paper.year:
        attributes += f' year="{paper.year}"'
    return f"<{tag} {attributes}>\n(no abstract)\n</{tag}>"


def new_tag() -> str:
    return f"source-{secrets.token_hex(4)}"


def answer_messages(
    prompts: PromptLibrary, question: str, sources: Sequence[Source], *, tag: str | None = None
) -> list[dict[str, str]]:
    tag = tag or new_tag()
    user = prompts.render(
        "answer", question=question, sources=format_sources(sources, tag), tag=tag
    )
    return [
        {"role": "system", "content": prompts.render("system")},
        {"role": "user", "content": user},
    ]


def history_text(turns: Sequence[tuple[str, str]]) -> str:
    """The last turns as Q:/A: lines, answers shortened."""
    lines = []
    for question, answer in list(turns)[-HISTORY_TURNS:]:
        short = " ".join(answer.split())
        if len(short) > HISTORY_ANSWER_CHARS:
            short = short[:HISTORY_ANSWER_CHARS].rsplit(" ", 1)[0] + " …"
        lines.append(f"Q: {question}\nA: {short}")
    return "\n".join(lines)


def condense_messages(
    prompts: PromptLibrary, turns: Sequence[tuple[str, str]], question: str
) -> list[dict[str, str]]:
    return [
        {
            "role": "user",
            "content": prompts.render("condense", history=history_text(turns), question=question),
        }
    ]
