"""Text made safe to show: what a terminal, a viewer or a LaTeX run would act on, made visible.

Titles, abstracts and LLM answers come from files and endpoints we do not control.  Written raw
to a terminal, an escape sequence in them acts: OSC 52 writes the clipboard, OSC 0 the window
title, OSC 8 makes a spoofed hyperlink, CSI 2J erases the screen, CSI 6n makes the terminal type
a reply into our stdin.  So every human-readable output (CLI lines and tables, TUI widgets,
Markdown notes, BibTeX) goes through `terminal_safe` at its edge; stored text stays as it came.

The rule is per character, so it needs no state across a stream's pieces: a sequence split
across two deltas is neutralised as surely as a whole one, because its introducer (ESC, or the
one-character C1 CSI U+009B) is what is replaced.

* C0 controls except tab and newline, DEL and the C1 controls (U+0080-U+009F) become visible
  escapes: ESC -> `\\x1b`, U+009B -> `\\x9b` (a lone CR before a newline is dropped: it is just
  a Windows line end);
* the bidi embedding, override and isolate controls (U+202A-U+202E, U+2066-U+2069), which can
  make a line read differently from what it holds ("Trojan Source"), become `\\u202e` etc.;
  legitimate right-to-left text needs none of them.

`strip_controls` removes the same characters instead (for BibTeX, where a backslash would start
a LaTeX command); `json_safe` escapes them inside JSON text that was dumped with
`ensure_ascii=False` (JSON escapes C0 itself, but not DEL, C1 or the bidi controls).

Hand-written rather than a library: the rule is one translation table, and the libraries that
strip ANSI (e.g. `strip-ansi`) remove whole SGR sequences only, not C1 or bidi controls.
"""

from __future__ import annotations

import re

_KEEP = frozenset("\t\n")
_BIDI = (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
_CONTROL_CODES = (*(c for c in range(0x20) if chr(c) not in _KEEP), 0x7F, *range(0x80, 0xA0))

_VISIBLE = {code: f"\\x{code:02x}" for code in _CONTROL_CODES} | {
    code: f"\\u{code:04x}" for code in _BIDI
}
_REMOVED: dict[int, None] = {code: None for code in (*_CONTROL_CODES, *_BIDI)}
_JSON = {code: f"\\u{code:04x}" for code in (0x7F, *range(0x80, 0xA0), *_BIDI)}
_UNSAFE = re.compile("[" + "".join(re.escape(chr(c)) for c in _VISIBLE) + "]")


def terminal_safe(text: str) -> str:
    """`text` with every control character a terminal acts on shown as a visible escape.

    Tabs and newlines are kept; `"\\r\\n"` becomes `"\\n"`.  Idempotent on its own output.
    """
    if not _UNSAFE.search(text):  # the common case: nothing to do, no copy
        return text
    return text.replace("\r\n", "\n").translate(_VISIBLE)


def strip_controls(text: str) -> str:
    """`text` without the characters `terminal_safe` escapes (tabs and newlines kept)."""
    if not _UNSAFE.search(text):
        return text
    return text.replace("\r\n", "\n").translate(_REMOVED)


def json_safe(dumped: str) -> str:
    """JSON text dumped with `ensure_ascii=False`, with DEL, C1 and bidi controls escaped as
    `\\uXXXX` (still valid JSON, the same value once parsed)."""
    return dumped.translate(_JSON)


def safe_offsets(text: str) -> list[int]:
    """Where each offset of `text` (0..len) lands in `terminal_safe(text)`: for styling spans
    found in the stored text (a citation's quote) on the text as shown."""
    if not _UNSAFE.search(text):
        return list(range(len(text) + 1))
    offsets = [0]
    shown = 0
    for at, char in enumerate(text):
        if char == "\r" and text.startswith("\n", at + 1):
            width = 0  # "\r\n" is shown as "\n"
        else:
            width = len(_VISIBLE.get(ord(char), char))
        shown += width
        offsets.append(shown)
    return offsets
