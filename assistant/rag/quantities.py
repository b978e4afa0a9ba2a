"""Figures in text as quantities: value with its scale and unit, so "2.32B" = "2.32 billion".

`quantities(text)` finds every figure a claim or a passage states and `find_match` tells
whether a claim's figure is among a passage's.  A figure is:

* a count: "15,000", "15k", "15 thousand", "fifteen thousand", "6.5M frames", "a million";
* a percentage: "6.5%", "6.5 percent", "1.1 p.p.", "0.7 percentage points", "a quarter", "half";
* a multiplier: "9x", "nine times", "15-fold", "twice";
* an ordinal: "12th", "twelfth", "XIIth", "XII century", "phase II";
* a size: "3x3", "224x224".

Ranges ("92.7-98.1%", "from 14 million to 1.4 billion", "between the XIIth and the XVIIIth")
give both ends the unit and scale written once.  Digits that belong to a name ("ResNet-50",
"Quilt-1M", "CIFAR10/100", "H3K9", "3D") and list enumerators ("(1)", "(ii)") are not figures;
neither is a bare "one"/"1", which is mostly a pronoun or an article ("one common paradigm").

Matching is by value within the precision the claim was written with ("about 769K" for
768,826; "over 1,000 hours" for 1,087), by kind (a percentage never matches a count) and by
unit: when the claim says what it counts ("20 images") and the passage gives that same unit to
another figure ("23463 images ... 20 object classes"), the figure is the wrong one.  Written by
hand because no maintained library parses scale words, spelled-out numbers, Roman ordinals and
ranges together (quantulum3 needs scikit-learn and misses ordinals and Roman numerals); long
spelled-out cardinals ("twelve thousand five hundred twenty-seven") are read by text2num.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal

import Stemmer
from text_to_num import text2num


def _words(text: str) -> frozenset[str]:
    """A word list written as one string."""
    return frozenset(text.split())


Kind = Literal["count", "percent", "times", "ordinal", "size"]
Bound = Literal["exact", "about", "over", "under"]

_SCALES = {
    "hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
    "k": 1e3, "m": 1e6, "b": 1e9, "bn": 1e9, "mn": 1e6, "t": 1e12, "mil": 1e6,
}  # fmt: skip
_SUFFIX_SCALES = {"k": 1e3, "K": 1e3, "M": 1e6, "B": 1e9, "bn": 1e9, "mn": 1e6, "T": 1e12}
# Time units clinical abstracts glue to their figure ("138d (iqr 79-175d)", "68yrs"): the
# figure counts that unit, as "138 days" does.  Lower case only: "3D" and "2D" are names.
_GLUED_UNITS = {
    "d": "day", "h": "hour", "hr": "hour", "hrs": "hour", "yr": "year", "yrs": "year",
    "wk": "week", "wks": "week", "mo": "month", "mos": "month", "min": "minut",
}  # fmt: skip
_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
# "first" and "second" are left out: mostly discourse ("First, we ...") or a time unit.
_ORDINAL_WORDS = {
    "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
    "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "twenty-first": 21,
}  # fmt: skip
_FRACTIONS = {"half": 50.0, "quarter": 25.0, "third": 100 / 3}
_MULTIPLIER_WORDS = {"twice": 2, "double": 2, "doubles": 2, "doubled": 2, "doubling": 2,
                     "triple": 3, "tripled": 3, "triples": 3, "tripling": 3, "quadruple": 4,
                     "quadrupled": 4, "hundredfold": 100, "thousandfold": 1000}  # fmt: skip
# "threefold", "twentyfold": every spelled-out figure glued to "fold".
_MULTIPLIER_WORDS.update(
    {f"{word}fold": value for word, value in (*_UNITS.items(), *_TENS.items()) if value >= 2}
)
_SCALE_WORDS = ("hundred", "thousand", "million", "billion", "trillion")
# Every word that can be (part of) a spelled-out figure.
NUMBER_WORDS = frozenset(
    [*_UNITS, *_TENS, *_ORDINAL_WORDS, *_FRACTIONS, *_MULTIPLIER_WORDS, "hundred", "thousand",
     "million", "billion", "trillion", "dozen"]
)  # fmt: skip
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
# Words after which a Roman numeral is a number ("phase II", "type III", "XII century").
_ROMAN_BEFORE = _words("phase phases type types class stage stages grade part level tier")
_ROMAN_AFTER = _words("century centuries")

_BOUNDS: list[tuple[str, Bound]] = [
    ("more than", "over"), ("greater than", "over"), ("at least", "over"), ("upwards of", "over"),
    ("in excess of", "over"), ("over", "over"), ("above", "over"), (">", "over"), ("≥", "over"),
    ("less than", "under"), ("fewer than", "under"), ("under", "under"), ("below", "under"),
    ("nearly", "under"), ("almost", "under"), ("just under", "under"), ("<", "under"),
    ("≤", "under"), ("about", "about"), ("around", "about"), ("approximately", "about"),
    ("roughly", "about"), ("some", "about"), ("close to", "about"), ("~", "about"),
    ("≈", "about"), ("approx.", "about"), ("circa", "about"),
]  # fmt: skip
_BOUND_RE = re.compile(
    r"(?:^|(?<=[\s(]))(" + "|".join(re.escape(b) for b, _ in _BOUNDS) + r")\s*(?:the\s+)?$",
    re.IGNORECASE,
)
_BOUND_OF = {b: kind for b, kind in _BOUNDS}

_URL = re.compile(r"\S*(?:https?://|www\.)\S*|\S+\.(?:html?|php)\S*")
_TOKEN = re.compile(r"\S+")
# "671 945" (a thin or plain space between groups of three) is one number, as "671,945" is.
_NUMBER = re.compile(
    r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:[ \u00a0\u2009\u202f]\d{3})+(?![\d.,]\d)|\d+(?:\.\d+)?"
)
_SIZE = re.compile(r"(\d+)\s*(?:x|×|times)\s*(\d+)|(\d+)\s+by\s+(\d+)", re.IGNORECASE)
# "an order of magnitude", "two orders of magnitude": a multiplier of ten per order.
_ORDERS = re.compile(r"\b(an|one|two|three)\s+orders?\s+of\s+magnitude\b", re.IGNORECASE)
_ORDER_COUNT = {"an": 1, "one": 1, "two": 2, "three": 3}
# "three quarters", "two thirds", "four fifths": a share written as a fraction.
_FRACTION_PLURALS = {"halves": 2, "thirds": 3, "quarters": 4, "fifths": 5, "tenths": 10}
# A share spelled as a word ("half", "three quarters", "one in five") is a round figure: it
# stands for the percentages within this many points of it ("half" for 48%).
WORD_SHARE_STEP = 5.0
_PERCENT_AFTER = re.compile(
    r"^\s*(?:\\?%|percent\b|per\s?cent\b|percentage points?\b|p\.\s?p\.?|pp\b)", re.IGNORECASE
)
_TIMES_AFTER = re.compile(r"^(?:\s*(?:x|×)(?![\w])|\s+times\b|\s*-?fold\b)", re.IGNORECASE)
_SCALE_AFTER = re.compile(
    r"^\s+(hundred|thousand|million|billion|trillion|mil|bn|mn)\b", re.IGNORECASE
)
_ORD_SUFFIX = re.compile(r"^(?:st|nd|rd|th)\b")
_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
_ENUMERATOR = re.compile(r"(?:^|[\s(\[])\(?\d{1,2}\)$")
_STOP_UNIT = _words(
    "and or of to in on with for from by at as than the a an per each while whereas which that "
    "is are was were be been it its their this these those respectively"
)
_RANGE_OPEN = re.compile(r"(?:from|between)\s+(?:the\s+)?$", re.IGNORECASE)


@dataclass(frozen=True)
class Quantity:
    """A figure at `text[start:end]`: its value in plain units and how it was written.

    `step` is the precision the figure was written with (0.1 for "84.2%", 1000 for "769K" or
    "15,000"): a claim's figure matches a source's that rounds to it.  `unit` holds the stems
    of the words that say what is counted ("images", "object classes").
    """

    value: float
    kind: Kind
    text: str
    start: int
    end: int
    step: float = 1.0
    bound: Bound = "exact"
    unit: frozenset[str] = frozenset()
    key: str | None = None  # sizes compare by their normalised text ("3x3")
    # Written as a Roman numeral: "phase III" is the "phase 3" of another writer, whether read
    # as an ordinal or as a count.
    roman: bool = False


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def stem(word: str) -> str:
    return _stemmer().stemWord(word.lower())


def _blank_urls(text: str) -> str:
    """URLs are not prose: their digits are no figures.  Offsets are kept (same length)."""
    return _URL.sub(lambda m: " " * len(m.group()), text)


def _step_of(digits: str) -> float:
    """The precision of a written number: "84.2" -> 0.1, "15000" -> 1000, "7" -> 1."""
    plain = digits.replace(",", "")
    if "." in plain:
        return 10.0 ** -len(plain.split(".", 1)[1])
    stripped = plain.rstrip("0")
    zeros = len(plain) - len(stripped)
    return 10.0**zeros if stripped else 1.0


def _roman(word: str) -> int | None:
    lowered = word.lower()
    if not lowered or any(ch not in _ROMAN for ch in lowered) or len(lowered) > 8:
        return None
    if not re.fullmatch(r"m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})", lowered):
        return None
    total = 0
    for here, after in zip(lowered, [*lowered[1:], ""], strict=True):
        value = _ROMAN[here]
        total += -value if after and _ROMAN[after] > value else value
    return total or None


# Unit words that count the same thing: "48,206 individuals" are "48,206 people".
_SAME_UNIT = {"individu": "peopl", "person": "peopl"}
# Time units written as one letter after a figure, as clinical abstracts do ("aged 13 to 20 y").
_LETTER_UNITS = {"y": "year", "d": "day", "h": "hour"}


def _unit_stem(word: str) -> str:
    stemmed = stem(word)
    return _SAME_UNIT.get(stemmed, stemmed)


def _unit_after(text: str, end: int) -> frozenset[str]:
    """Stems of the up to three words right after a figure, up to a preposition or comma."""
    found: list[str] = []
    rest = text[end : end + 80]
    for match in re.finditer(r"[A-Za-z][\w-]*|[^\sA-Za-z]", rest):
        word = match.group()
        if not word[0].isalpha():
            if word in "-/":
                continue
            break
        if not found and word in _LETTER_UNITS:
            found.append(_LETTER_UNITS[word])
            break
        if word.lower() in _STOP_UNIT or word.lower() in _SCALES:
            if found or word.lower() in _STOP_UNIT:
                break
            continue
        found.extend(_unit_stem(piece) for piece in word.split("-") if len(piece) > 1)
        if len(found) >= 2:
            break
    return frozenset(found)


def _bound_before(text: str, start: int) -> Bound:
    match = _BOUND_RE.search(text[max(0, start - 24) : start])
    return _BOUND_OF[match.group(1).lower()] if match else "exact"


def _token_around(text: str, start: int, end: int) -> tuple[str, str]:
    """The non-space text glued to the number on its left and on its right."""
    left = start
    while left > 0 and not text[left - 1].isspace():
        left -= 1
    right = end
    while right < len(text) and not text[right].isspace():
        right += 1
    return text[left:start], text[end:right]


def _is_name_part(before: str, after: str) -> bool:
    """Digits glued to letters belong to a name: ResNet-50, Quilt-1M, CIFAR10/100, H3K9, 3D.

    A comparison sign ends the name: "Hb<11.0", "n=45", "P<0.001" give a figure after it.
    """
    before = re.split(r"[<>=≤≥≈~]", before)[-1].lstrip("([{\"'")
    if re.search(r"[A-Za-z]", before):
        return True
    if _PERCENT_AFTER.match(after):
        return False
    glued = re.match(r"[A-Za-z]+", after)
    if glued is None:
        # "4-1BB"; "3-D", "2-D" as "3D" is written
        glued_range = re.match(r"-\d+([A-Za-z]+)\b", after)
        if glued_range and glued_range.group(1) in _GLUED_UNITS:
            return False  # "79-175d": a range of days
        return bool(re.match(r"-\d+[A-Za-z]|-[A-Z](?![\w-])", after))
    word = glued.group()
    rest = after[len(word) :]
    if word in _SUFFIX_SCALES and not re.match(r"[A-Za-z0-9]", rest):
        return False
    if _ORD_SUFFIX.match(word) and not re.match(r"[A-Za-z0-9]", rest):
        return False
    if word in _GLUED_UNITS and not re.match(r"[A-Za-z0-9-]", rest):
        return False
    return word.lower() not in {"x", "times"}


_YEAR_BEFORE = re.compile(r"^(1[89]\d\d|20\d\d)[-–]$")
_SEX_PAIR = re.compile(r"\b(\d+\s?[MF])\s*[,/;]\s*(\d+\s?[MF])\b")


def _digit_quantities(text: str) -> list[Quantity]:
    out: list[Quantity] = []
    taken: list[tuple[int, int]] = []
    for match in _SIZE.finditer(text):
        before, _ = _token_around(text, match.start(), match.end())
        if re.search(r"[A-Za-z]", before.lstrip("([")):
            continue
        width, height = match.group(1) or match.group(3), match.group(2) or match.group(4)
        key = f"{width}x{height}"
        out.append(Quantity(float(width), "size", match.group(), *match.span(), key=key))
        taken.append(match.span())
    # "88 patients (18M, 70F)": men and women, not 18 million
    sexes = [
        (pair.start(side), pair.end(side), "men" if pair.group(side)[-1] == "M" else "women")
        for pair in _SEX_PAIR.finditer(text)
        if pair.group(1)[-1] != pair.group(2)[-1]
        for side in (1, 2)
    ]
    for match in _NUMBER.finditer(text):
        start, end = match.span()
        if any(a <= start < b for a, b in taken):
            continue
        glued = start > 0 and (text[start - 1].isdigit() or text[start - 1] in ".,")
        after_punctuation = start > 1 and text[start - 1] in ".," and not text[start - 2].isdigit()
        if glued and not after_punctuation:
            continue  # the tail of a number already read
        before, after = _token_around(text, start, end)
        sex = next((unit for a, b, unit in sexes if a <= start < b), None)
        if sex is None and _is_name_part(before, after):
            continue
        digits = re.sub(r"[ \u00a0\u2009\u202f]", ",", match.group())
        value = float(digits.replace(",", ""))
        step = _step_of(digits)
        year = _YEAR_BEFORE.search(before)
        if year and re.fullmatch(r"\d\d", digits):
            # "born in 1961-85": the range ends in 1985, written with its last two digits
            value = float(year.group(1)[:2] + digits)
            value += 100 if value <= float(year.group(1)) else 0
        kind: Kind = "count"
        stop = end
        glued_unit: str | None = None  # "138d": the unit glued to the figure
        suffix = re.match(r"[A-Za-z]+", after)
        if sex is not None and suffix:
            glued_unit, stop = sex, end + len(suffix.group())
        elif suffix and suffix.group() in _SUFFIX_SCALES:
            scale = _SUFFIX_SCALES[suffix.group()]
            value, step, stop = value * scale, step * scale, end + len(suffix.group())
        elif suffix and _ORD_SUFFIX.match(suffix.group()):
            kind, stop = "ordinal", end + len(suffix.group())
        elif suffix and suffix.group() in _GLUED_UNITS:
            glued_unit, stop = _GLUED_UNITS[suffix.group()], end + len(suffix.group())
        else:
            scale_word = _SCALE_AFTER.match(text[end:])
            if scale_word:
                scale = _SCALES[scale_word.group(1).lower()]
                value, step, stop = value * scale, step * scale, end + scale_word.end()
        percent = _PERCENT_AFTER.match(text[stop:])
        times = _TIMES_AFTER.match(text[stop:])
        if kind == "count" and percent:
            kind, stop = "percent", stop + percent.end()
        elif kind == "count" and times:
            kind, stop = "times", stop + times.end()
        elif kind == "count" and _ENUMERATOR.search(text[max(0, start - 2) : end + 1]):
            continue  # "(1) it is ...", "1) generate ..."
        if kind == "count" and value == 1 and step == 1:
            continue  # "1" alone: mostly "1 day", "type 1"; not worth checking
        hyphen = re.match(r"-([A-Za-z]{2,})", after)
        unit = (
            frozenset({glued_unit})
            if glued_unit
            else frozenset({_unit_stem(hyphen.group(1))})
            if hyphen
            else _unit_after(text, stop)
        )
        out.append(
            Quantity(
                value,
                kind,
                text[start:stop],
                start,
                stop,
                step=step,
                bound=_bound_before(text, start),
                unit=unit if kind in ("count", "ordinal") else frozenset(),
            )
        )
    return out


def _word_quantities(text: str) -> list[Quantity]:
    """Spelled-out figures: cardinals with scales, ordinals, fractions, multipliers, Roman."""
    out: list[Quantity] = []
    words = list(_WORD.finditer(text))
    index = 0
    while index < len(words):
        match = words[index]
        word = match.group()
        lower = word.lower()
        parts = lower.split("-")
        # Roman numerals: "XIIth", "XII century", "phase II".
        roman_th = re.fullmatch(r"([IVXLCDM]+)th", word)
        roman = _roman(word) if word.isupper() else None
        previous = words[index - 1].group().lower() if index else ""
        following = words[index + 1].group().lower() if index + 1 < len(words) else ""
        if roman_th and _roman(roman_th.group(1)):
            out.append(Quantity(float(_roman(roman_th.group(1)) or 0), "ordinal", word,
                                *match.span(), unit=_unit_after(text, match.end()),
                                roman=True))  # fmt: skip
            index += 1
            continue
        # after an acronym too: "APACHE II" is a scale's version, as "APACHE 2" is
        acronym = index > 0 and words[index - 1].group().isupper() and len(previous) > 2
        if (
            roman
            and (previous in _ROMAN_BEFORE or following in _ROMAN_AFTER or acronym)
            and len(word) > 1
        ):
            unit = _unit_after(text, match.end())
            out.append(
                Quantity(float(roman), "ordinal", word, *match.span(), unit=unit, roman=True)
            )
            index += 1
            continue
        if lower in _ORDINAL_WORDS and previous in ("a", "one") and following == "of":
            # "a fifth of the genes", "one tenth of the cost": a share, as a percentage
            out.append(Quantity(100.0 / _ORDINAL_WORDS[lower], "percent", word, *match.span(),
                                step=WORD_SHARE_STEP,
                                bound=_bound_before(text, match.start())))  # fmt: skip
            index += 1
            continue
        if lower in _ORDINAL_WORDS:
            unit = _unit_after(text, match.end())
            out.append(Quantity(float(_ORDINAL_WORDS[lower]), "ordinal", word, *match.span(),
                                unit=unit))  # fmt: skip
            index += 1
            continue
        if lower in _MULTIPLIER_WORDS:
            out.append(Quantity(float(_MULTIPLIER_WORDS[lower]), "times", word, *match.span()))
            index += 1
            continue
        if lower in ("half", "quarter") or (lower == "third" and previous in ("a", "one")):
            article = previous in ("a", "one", "in", "by")
            if lower == "half" or article:
                out.append(Quantity(_FRACTIONS[lower], "percent", word, *match.span(),
                                    step=WORD_SHARE_STEP,
                                    bound=_bound_before(text, match.start())))  # fmt: skip
            index += 1
            continue
        # "three quarters", "two thirds": a share, as a percentage.
        if (
            index + 1 < len(words)
            and following in _FRACTION_PLURALS
            and (part := _cardinal(parts)) is not None
            and part < _FRACTION_PLURALS[following]
        ):
            end = words[index + 1].end()
            out.append(Quantity(100.0 * part / _FRACTION_PLURALS[following], "percent",
                                text[match.start() : end], match.start(), end,
                                step=WORD_SHARE_STEP,
                                bound=_bound_before(text, match.start())))  # fmt: skip
            index += 2
            continue
        # "one in ten", "four in five": a share, as a percentage.
        share = _share(words, index, text)
        if share is not None:
            share_value, share_end = share
            span_end = words[share_end].end()
            out.append(Quantity(share_value, "percent", text[match.start() : span_end],
                                match.start(), span_end, step=WORD_SHARE_STEP,
                                bound=_bound_before(text, match.start())))  # fmt: skip
            index = share_end + 1
            continue
        long = _long_cardinal(words, index, text)
        if long is not None:
            total, last, step = long
            start, end = match.start(), words[last].end()
            out.append(_cardinal_quantity(text, total, start, end, step))
            index = last + 1
            continue
        # Cardinals: "forty-five", "three hundred", "fifteen thousand", "a million".
        value = _cardinal(parts)
        counted = None
        folded = False
        for cut in (2, 1):  # "forty-five-minute", "eight-cell", "two-fold"
            if value is None and len(parts) > cut and _cardinal(parts[:cut]) is not None:
                value, counted = _cardinal(parts[:cut]), parts[cut]
                folded = counted == "fold" and len(parts) == cut + 1
        if value is None and lower in ("a", "one") and following in _SCALES:
            value = 1.0
        if value is None:
            index += 1
            continue
        last = index
        if len(parts) == 1 and parts[0] in _TENS and index + 1 < len(words):
            # "Twenty eight" written without its hyphen is one figure, 28
            nxt = words[index + 1].group().lower()
            gap = text[words[index].end() : words[index + 1].start()]
            if 1 <= _UNITS.get(nxt, 0) <= 9 and gap.isspace():
                value, last = value + _UNITS[nxt], index + 1
        scaled_from = last
        total = value
        while last + 1 < len(words) and words[last + 1].group().lower() in _SCALES:
            scale_word = words[last + 1].group().lower()
            if scale_word not in _SCALE_WORDS:
                break  # "k", "M", "bn" only count glued to digits
            gap = text[words[last].end() : words[last + 1].start()]
            if gap.strip():
                break
            total *= _SCALES[scale_word]
            last += 1
        step = total if last > scaled_from else 1.0
        # "one hundred and fourteen", "seven hundred seventy-two": the figure goes on.
        tail_at = last + 1
        if tail_at < len(words) and words[tail_at].group().lower() == "and":
            tail_at += 1
        if last > scaled_from and tail_at < len(words):
            gap = text[words[last].end() : words[tail_at].start()]
            tail = _cardinal(words[tail_at].group().lower().split("-"))
            if tail is not None and tail < 100 and re.fullmatch(r"\s+(?:and\s+)?", gap):
                total, last, step = total + tail, tail_at, 1.0
        start, end = match.start(), words[last].end()
        if total == 1 and last == index:
            index += 1
            continue  # "one" alone
        out.append(_cardinal_quantity(text, total, start, end, step, counted, folded=folded))
        index = last + 1
    return out


_DECIMAL_DIGITS = {word: value for word, value in _UNITS.items() if value <= 9}


def _long_cardinal(
    words: list[re.Match[str]], index: int, text: str
) -> tuple[float, int, float] | None:
    """A figure of three number words or more, or with a decimal point or a half, spelled out
    at `words[index]` ("twelve thousand five hundred twenty-seven", "one hundred seventeen
    thousand seven hundred and two", "three point four", "six and a half", "three and a half
    thousand"): (value, index of its last word, the precision it is written with).  The
    cardinal itself is read by text2num (a maintained parser of English number words); the
    decimal point and "and a half", which it does not read, here."""

    def lower(at: int) -> str:
        return words[at].group().lower()

    def joined(at: int) -> bool:  # only spaces between words[at - 1] and words[at]
        return at < len(words) and text[words[at - 1].end() : words[at].start()].isspace()

    def cardinal_word(at: int) -> bool:
        word = lower(at)
        return word in _SCALE_WORDS or _cardinal(word.split("-")) is not None

    if not cardinal_word(index) or lower(index) in _SCALE_WORDS:
        return None
    last = index
    run = [lower(index)]
    while True:
        nxt = last + 1
        if joined(nxt) and lower(nxt) == "and" and joined(nxt + 1) and cardinal_word(nxt + 1):
            if lower(nxt + 1) in _SCALE_WORDS:
                break
            run += ["and", lower(nxt + 1)]
            last = nxt + 1
        elif joined(nxt) and cardinal_word(nxt):
            run.append(lower(nxt))
            last = nxt
        else:
            break
    try:
        total = float(text2num(" ".join(run), "en"))
    except ValueError:
        return None
    step = _SCALES[run[-1]] if run[-1] in _SCALE_WORDS else 1.0
    extended = False
    nxt = last + 1
    if (
        joined(nxt)
        and lower(nxt) == "point"
        and joined(nxt + 1)
        and lower(nxt + 1) in (_DECIMAL_DIGITS)
    ):
        digits = ""
        at = nxt + 1
        while joined(at) and lower(at) in _DECIMAL_DIGITS:
            digits += str(_DECIMAL_DIGITS[lower(at)])
            at += 1
        total, step, last, extended = (
            float(f"{int(total)}.{digits}"),
            10.0 ** -len(digits),
            at - 1,
            True,
        )
    elif (
        joined(nxt + 2)
        and [lower(nxt), lower(nxt + 1), lower(nxt + 2)] == ["and", "a", "half"]
        and step == 1.0
    ):
        total, step, last, extended = total + 0.5, 0.5, nxt + 2, True
    if extended and joined(last + 1) and lower(last + 1) in _SCALE_WORDS:
        scale = _SCALES[lower(last + 1)]  # "three and a half thousand", "2 point 3 million"
        total, step, last = total * scale, step * scale, last + 1
    if not extended and len([w for w in run if w != "and"]) < 3:
        return None  # "forty-five", "three hundred", "one hundred and fourteen": read below
    return total, last, step


def _cardinal_quantity(
    text: str,
    total: float,
    start: int,
    end: int,
    step: float,
    counted: str | None = None,
    *,
    folded: bool = False,
) -> Quantity:
    """A spelled-out cardinal ending at `end`, with the percent, "times" or unit after it
    (`counted`: the word glued to it, "eight-cell"; `folded`: it is glued to "fold")."""
    rest = text[end:]
    kind: Kind = "count"
    percent = _PERCENT_AFTER.match(rest)
    times = re.match(r"^\s+times\b|^-?fold\b", rest, re.IGNORECASE)
    if percent:
        kind, end = "percent", end + percent.end()
    elif times or folded:
        kind, end = "times", end + (times.end() if times else 0)
    hyphen = re.match(r"-([A-Za-z]{2,})", rest)
    if counted and not folded:
        unit = frozenset({stem(counted)})
    else:
        unit = frozenset({stem(hyphen.group(1))}) if hyphen else _unit_after(text, end)
    return Quantity(total, kind, text[start:end], start, end, step=step,
                    bound=_bound_before(text, start),
                    unit=unit if kind == "count" else frozenset())  # fmt: skip


def _share(words: list[re.Match[str]], index: int, text: str) -> tuple[float, int] | None:
    """ "one in ten" at `words[index]`: (10.0 percent, index of "ten"), else None."""
    if index + 2 >= len(words) or words[index + 1].group().lower() != "in":
        return None
    if not re.fullmatch(r"\s+in\s+", text[words[index].end() : words[index + 2].start()]):
        return None
    part = _cardinal(words[index].group().lower().split("-"))
    whole = _cardinal(words[index + 2].group().lower().split("-"))
    if part is None or not whole or part >= whole:
        return None
    return 100.0 * part / whole, index + 2


def _cardinal(parts: list[str]) -> float | None:
    """ "forty-five" -> 45, "twelve" -> 12, "hundred" alone -> None."""
    if len(parts) == 2 and parts[0] in _TENS and parts[1] in _UNITS:
        return float(_TENS[parts[0]] + _UNITS[parts[1]])
    if len(parts) == 1 and parts[0] in _UNITS:
        return float(_UNITS[parts[0]])
    if len(parts) == 1 and parts[0] in _TENS:
        return float(_TENS[parts[0]])
    if len(parts) == 1 and parts[0] == "dozen":
        return 12.0
    return None


_CONFIDENCE = re.compile(r"^\s*(?:CI\b|C\.I\.|confidence\b|credible\b)", re.IGNORECASE)


def _link_ranges(text: str, found: list[Quantity]) -> list[Quantity]:
    """Give both ends of "A-B unit", "from A to B unit" the kind, scale and unit written once."""
    out = list(found)
    for i in range(len(out) - 1):
        low, high = out[i], out[i + 1]
        between = " ".join(text[low.end : high.start].lower().split())
        opened = _RANGE_OPEN.search(text[max(0, low.start - 16) : low.start])
        listed = (
            between in (",", "and", "or", ", and", ", or")
            and high.kind in ("percent", "times")
            # "OR = 6.47, 95% CI": a confidence level closes no list of percentages
            and not _CONFIDENCE.match(text[high.end :])
        )
        if between not in ("-", "–", "—", "to", "to the") and not (
            opened and between in ("and", "and the")
        ):
            if listed and low.kind == "count" and not low.unit:
                out[i] = replace(low, kind=high.kind)  # "2 and 6 per cent": both percentages
            continue
        if low.kind == "count" and high.kind in ("percent", "times"):
            low = replace(low, kind=high.kind, unit=frozenset())
        scale = _scale_written(high.text)
        if (
            low.kind == high.kind == "count"
            and scale > 1
            and _scale_written(low.text) == 1
            and low.value * scale <= high.value
        ):
            low = replace(low, value=low.value * scale, step=low.step * scale)
        if low.kind == high.kind and low.kind in ("count", "ordinal") and not low.unit:
            low = replace(low, unit=high.unit)
        out[i] = low
    return out


def _scale_written(figure: str) -> float:
    lowered = figure.lower()
    for word, scale in (("trillion", 1e12), ("billion", 1e9), ("million", 1e6),
                        ("thousand", 1e3)):  # fmt: skip
        if word in lowered:
            return scale
    suffix = re.search(r"\d([kKMBT]|bn|mn)$", figure)
    return _SUFFIX_SCALES.get(suffix.group(1), 1.0) if suffix else 1.0


# "the last decade", "two decades": ten years a decade, so "the past ten years" is stated.
_DECADE = re.compile(
    r"\b(a|one|the (?:last|past|previous|recent|next)|two|three|four|five)\s+decades?\b",
    re.IGNORECASE,
)
_DECADES = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_DECADES.update({f"the {w}": 1 for w in ("last", "past", "previous", "recent", "next")})
_YEARS = frozenset({"year"})


def quantities(text: str) -> list[Quantity]:
    """Every figure in `text`, in order (see the module docstring for what counts)."""
    clean = _blank_urls(text.replace("\\%", " %"))
    orders = [
        Quantity(10.0 ** _ORDER_COUNT[m.group(1).lower()], "times", m.group(), *m.span())
        for m in _ORDERS.finditer(clean)
    ]
    words = [
        q for q in _word_quantities(clean) if not any(o.start <= q.start < o.end for o in orders)
    ]
    decades = [
        Quantity(10.0 * _DECADES[m.group(1).lower()], "count", m.group(), *m.span(), unit=_YEARS)
        for m in _DECADE.finditer(clean)
    ]
    words = [q for q in words if not any(d.start <= q.start < d.end for d in decades)]
    digits = [
        replace(q, value=10 * q.value, step=10 * q.step, unit=_YEARS)
        if q.kind == "count" and "decad" in q.unit
        else q
        for q in _digit_quantities(clean)
    ]  # "2 decades" is "two decades", twenty years
    found = sorted(digits + words + orders + decades, key=lambda q: q.start)
    return _spread_units(clean, _link_ranges(clean, found))


# "4.8 +/- 3.0 years", "3.11 ± 0.32 nmol": a mean and its deviation share the unit written once
# after the deviation, so a claim's "4.8 years" is the mean's figure, not the deviation's.
_PLUS_MINUS = re.compile(r"^\s*(?:±|\+\s*/\s*[-−–]|\+\s*[-−–])\s*$")


_LIST_JOIN = re.compile(r"^\s*(?:,|and|or|,\s*and)\s*$")


def _spread_units(text: str, found: list[Quantity]) -> list[Quantity]:
    """Means take their deviation's unit; "28 ± 1.5 and 3.4 ± 0.4 doublings": a list of
    them takes the unit written after its last one (read from the end)."""
    out = list(found)
    for i in range(len(out) - 2, -1, -1):
        mean, deviation = out[i], out[i + 1]
        if mean.unit or not _PLUS_MINUS.match(text[mean.end : deviation.start]):
            continue
        unit = deviation.unit
        joined = i + 2 < len(out) and _LIST_JOIN.match(text[deviation.end : out[i + 2].start])
        if not unit and joined:
            unit = out[i + 2].unit
            out[i + 1] = replace(deviation, unit=unit)
        out[i] = replace(mean, unit=unit)
    # "5.65 and 4.41 months", "12, 24 and 36 months": a list of counts takes the unit written
    # after its last one.
    for i in range(len(out) - 2, -1, -1):
        low, high = out[i], out[i + 1]
        if (
            low.kind == high.kind == "count"
            and not low.unit
            and high.unit
            and _LIST_JOIN.match(text[low.end : high.start])
        ):
            out[i] = replace(low, unit=high.unit)
    return out


def value_matches(claim: Quantity, source: Quantity) -> bool:
    """Whether `source` states the figure `claim` gives, within the claim's precision."""
    roman_label = {claim.kind, source.kind} == {"count", "ordinal"} and (
        claim.roman or source.roman
    )
    # "four points of accuracy" for "4%": the points of a percentage
    points = {claim.kind, source.kind} == {"count", "percent"} and "point" in (
        claim.unit | source.unit
    )
    if claim.kind != source.kind and not roman_label and not points:
        return False
    if claim.kind == "size":
        return claim.key == source.key
    c, s = claim.value, source.value
    if math.isclose(c, s, rel_tol=1e-9, abs_tol=1e-12):
        return True
    half = claim.step / 2
    if claim.bound == "over":
        return c <= s < c + max(claim.step, 0.5 * abs(c))
    if claim.bound == "under":
        return c - max(claim.step, 0.2 * abs(c)) <= s <= c
    if claim.bound == "about":
        return abs(c - s) <= max(half, 0.1 * abs(c))
    # Written rounder than the source ("769K" for 768,826, "6 billion" for 5.85 billion), not
    # merely near it ("50 classes" for 45).
    return abs(c - s) <= half and claim.step > source.step and abs(c - s) <= 0.05 * abs(s)


@dataclass(frozen=True)
class FigureCheck:
    """A claim figure the passages do not give, with the nearest figure they do give."""

    claim: Quantity
    nearest: Quantity | None


def find_match(claim: Quantity, passage: list[Quantity]) -> bool:
    """The claim's figure with a matching value and kind, and no unit given to another figure.

    When the claim says what it counts and the passage attaches that word to a different
    figure and not to this one, the claim cites the wrong figure ("20 images" when the passage
    has "23463 images" and "20 object classes").
    """
    if any(same_duration(claim, q) for q in passage):
        return True
    # A duration is one in any unit only at the same length: "4.8 weeks" is not "4.8 years".
    candidates = [
        q
        for q in passage
        if value_matches(claim, q) and not (_hours(claim) and _hours(q) and claim.unit != q.unit)
    ]
    if not candidates:
        return False
    if not claim.unit:
        return True
    if any(claim.unit & q.unit for q in candidates):
        return True
    elsewhere = [q for q in passage if q not in candidates and claim.unit & q.unit]
    return not elsewhere


# Durations in hours, by the stem of their unit: "three weeks" is a "21-day" cycle, "18 months"
# "1.5 years", "24-48 h" "one to two days".
_HOURS = {
    "min": 1 / 60, "minut": 1 / 60, "h": 1.0, "hr": 1.0, "hour": 1.0, "d": 24.0, "day": 24.0,
    "wk": 168.0, "week": 168.0, "month": 730.5, "mo": 730.5, "year": 8766.0, "yr": 8766.0,
}  # fmt: skip
# A month is 28 to 31 days: "4 weeks" is "1 month" of another writer; days and weeks are exact.
_MONTH_SLACK = 0.1
_EXACT_SLACK = 0.02


def _hours(figure: Quantity) -> tuple[float, bool] | None:
    """(value in hours, whether in months or years) of a duration."""
    units = [u for u in figure.unit if u in _HOURS]
    if figure.kind != "count" or len(units) != 1:
        return None
    factor = _HOURS[units[0]]
    return figure.value * factor, factor >= _HOURS["month"]


def same_duration(claim: Quantity, source: Quantity) -> bool:
    """The same length of time written in another unit ("three weeks" for "21-day")."""
    if claim.unit == source.unit:
        return False  # the same unit: value_matches compares them
    mine, theirs = _hours(claim), _hours(source)
    if mine is None or theirs is None:
        return False
    slack = _MONTH_SLACK if mine[1] or theirs[1] else _EXACT_SLACK
    return abs(mine[0] - theirs[0]) <= slack * theirs[0]


def unmatched(claim_text: str, passage_texts: list[str]) -> list[FigureCheck]:
    """The figures of `claim_text` that none of `passage_texts` gives (see `find_match`)."""
    passage = [q for text in passage_texts for q in quantities(text)]
    out: list[FigureCheck] = []
    for figure in quantities(claim_text):
        if find_match(figure, passage) or _spelled_ordinal(figure, passage_texts):
            continue
        same_kind = [q for q in passage if q.kind == figure.kind]
        nearest = min(
            same_kind,
            key=lambda q: abs(math.log10(max(q.value, 1e-9)) - math.log10(max(figure.value, 1e-9))),
            default=None,
        )
        out.append(FigureCheck(figure, nearest))
    return out


# "first" and "second" are not read as figures (mostly discourse, or a time unit), so "the 1st
# step" is looked for as the words "first step".
_DISCOURSE_ORDINALS = {1: "first", 2: "second"}


def _spelled_ordinal(figure: Quantity, passage_texts: list[str]) -> bool:
    """Whether the passages spell out the ordinal `figure` ("1st step" as "first step")."""
    word = _DISCOURSE_ORDINALS.get(int(figure.value)) if figure.kind == "ordinal" else None
    if word is None or figure.roman:
        return False
    for text in passage_texts:
        for match in re.finditer(rf"\b{word}\b\s+([A-Za-z][\w-]*)", text, re.IGNORECASE):
            if not figure.unit or stem(match.group(1).lower()) in figure.unit:
                return True
    return False
