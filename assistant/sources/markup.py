"""Markup in bibliographic text turned into plain text.

Exporters put markup in titles and abstracts: CSL rich text (`<i>`, `<b>`, `<sup>`, `<sub>`,
`<span class="nocase">`), Crossref's JATS (`<jats:p>`, `<jats:italic>`), MathML, HTML tags and
entities (`&amp;`, `&#x2013;`), Scopus' `<inf>2</inf>` for subscripts.  The stored text is
plain; each paper's `raw_entry` keeps the original for export.

Hand-written rather than an HTML parser on purpose: a general HTML parser treats every `<`
as a possible tag, and abstracts are full of `p < 0.05` and `a<b`; only tags litassist knows
(or namespaced JATS/MathML tags) are removed here, the rest of the text is left alone.
"""

from __future__ import annotations

import html
import re

# Inline tags: removed, their text kept in place ("CO<inf>2</inf>" -> "CO2").
_INLINE = (
    "i|b|em|strong|u|sup|sub|inf|span|sc|scp|small|a|font|tt|code|q|abbr|cite|var|mark|"
    "italic|bold|underline|monospace|roman|sans-serif|named-content|inline-formula|math|mi|mo|mn"
)
# Block tags: replaced by a space so words of two paragraphs do not run together.
_BLOCK = "p|br|div|title|sec|abstract|list|list-item|li|ul|ol|label|caption|hr|h[1-6]|table|tr|td"

_TAG = re.compile(
    rf"</?(?:(?:jats|mml|xhtml|html):[A-Za-z][\w.-]*|(?:{_INLINE}|{_BLOCK}))"
    r"(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)
_BLOCK_TAG = re.compile(
    rf"</?(?:(?:jats|xhtml|html):)?(?:{_BLOCK})(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def has_markup(text: str) -> bool:
    return "<" in text or "&" in text


def strip_markup(text: str | None) -> str:
    """`text` without known tags and with HTML entities decoded, whitespace collapsed.

    JATS abstracts often start with a `<jats:title>Abstract</jats:title>` heading; it is
    dropped, since it is not part of the abstract.
    """
    if not text:
        return ""
    if not has_markup(text):
        return " ".join(text.split())  # as re.sub(r"\s+"), much faster on huge text
    value = re.sub(
        r"^\s*<(jats:)?title>\s*(abstract|summary)\s*</(jats:)?title>",
        "",
        text,
        flags=re.IGNORECASE,
    )
    value = _BLOCK_TAG.sub(" ", value)
    value = _TAG.sub("", value)
    # Entities twice at most: `&amp;lt;` (double-escaped exports) becomes `<`.
    for _ in range(2):
        if not _ENTITY.search(value):
            break
        value = html.unescape(value)
    return " ".join(value.split())


_MOJIBAKE = re.compile(
    r"[ÃÂâÅÄ][\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]"
)


def fix_mojibake(text: str) -> str:
    """UTF-8 that was decoded as Latin-1 or windows-1252 on the way (`RamÃ­rez`), undone.

    Only when the whole string round-trips: legitimate text almost never re-encodes to valid
    UTF-8, so "SÃO PAULO" or "Ångström" are left alone.
    """
    if not _MOJIBAKE.search(text):
        return text
    for codec in ("latin-1", "cp1252"):
        try:
            return text.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
    return text
