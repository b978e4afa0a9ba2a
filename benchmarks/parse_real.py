"""Parse fidelity on real export files from public projects' test fixtures.

    .venv/bin/python benchmarks/parse_real.py [--data DIR] [--verbose]

The files live in `.benchmarks-data/real-exports/` (git-ignored, never committed) with a
`manifest.json` naming each file's repository, path and commit, its kind, and -- where the
source project states one -- the expected records (JabRef's expected `.bib` beside an importer
test input, Better BibTeX's expected Zotero import `.json`), transcribed field by field.

Per kind and per split (tuning / held-out, fixed by repository in the manifest before the
first run), it prints:

* **entries**: titled entries, counted by a small marker counter written here (a `TY  -`
  line with a title tag for RIS, `PT` ... `TI` for Web of Science, ...), independent of the
  parsers; or the number of expected records where the source project gives them;
* **stored**: papers `parse_file` returns that match an entry (by normalised title where
  records are expected, else up to the entry count);
* **exact**: over the fields the expectation states (title, authors' family names, year,
  DOI, abstract), the share equal after a light normalisation (Unicode NFKC, case, dashes,
  quotes, whitespace, a final period) -- typography is not identity;
* **crashes** (an exception other than "unrecognised format"), **invented** papers (any
  paper from a file that is not a bibliography, and papers beyond a file's entries), and
  files refused as unrecognised.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
import traceback
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.sources import UnsupportedFormatError, parse_file  # noqa: E402
from benchmarks.field_match import FIELDS, field_equal, match  # noqa: E402

DATA = ROOT / ".benchmarks-data" / "real-exports"


# --- independent entry counting ------------------------------------------------------------


def _records(text: str, start: str, title: str) -> tuple[int, int]:
    """(records, titled records): records begin at lines matching `start`."""
    starts = [m.start() for m in re.finditer(start, text, re.MULTILINE)]
    titled = 0
    for index, begin in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(text)
        if re.search(title, text[begin:end], re.MULTILINE):
            titled += 1
    return len(starts), titled


def count_entries(kind: str, text: str) -> int:
    """Titled entries in `text`, by the format's record and title markers."""
    if kind == "ris":
        return _records(text, r"^TY {1,2}- ", r"^(?:TI|T1|ST) {1,2}- +\S")[1]
    if kind == "wos":
        return _records(text, r"^PT ", r"^TI \S")[1]
    if kind == "medline":
        return _records(text, r"^PMID-", r"^TI  - \S")[1]
    if kind == "enw":
        return _records(text, r"^%0", r"^%T \S")[1]
    if kind == "endnote-xml":
        return _records(text, r"<record>", r"<title>")[1]
    if kind == "pubmed-xml":
        return _records(text, r"<PubmedArticle>", r"<ArticleTitle>")[1]
    if kind == "bibtex":
        start = r"^\s*@(?!string|comment|preamble)[A-Za-z]+\s*[{(]"
        return len(
            [
                chunk
                for chunk in re.split(r"(?m)(?=^\s*@)", text)
                if re.match(start, chunk, re.I) and re.search(r"\btitle\s*=", chunk, re.I)
            ]
        )
    if kind == "csv":
        lines = text.splitlines()
        delimiter = max(",;\t", key=lines[0].count)
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        header = [name.strip().lower() for name in rows[0]]
        names = ("title", "document title", "item title", "article title", "primary_title")
        column = next((header.index(n) for n in names if n in header), None)
        if column is None:
            return 0
        return sum(1 for row in rows[1:] if len(row) > column and row[column].strip())
    return 0


# --- the run ---------------------------------------------------------------------------------


@dataclass
class Tally:
    files: int = 0
    entries: int = 0
    stored: int = 0
    compared: int = 0
    exact: int = 0
    crashes: int = 0
    invented: int = 0
    unrecognised: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        for name in ("files", "entries", "stored", "compared", "exact", "crashes"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.invented += other.invented
        self.unrecognised += other.unrecognised
        self.misses.extend(other.misses)


def run_file(entry: dict[str, object], data: Path) -> Tally:
    path = data / str(entry["file"])
    kind = str(entry["kind"])
    tally = Tally(files=1)
    try:
        result = parse_file(path)
        papers = list(result.papers)
    except UnsupportedFormatError as exc:
        papers = []
        tally.unrecognised = 1
        if kind != "unsupported":
            tally.misses.append(f"{entry['file']}: refused: {exc.reason}")
    except Exception as exc:  # a crash is what this benchmark looks for
        tally.crashes = 1
        tally.misses.append(f"{entry['file']}: CRASH {type(exc).__name__}: {exc}")
        traceback.print_exc(file=sys.stderr)
        papers = []
    if kind == "unsupported":
        tally.invented = len(papers)
        if papers:
            tally.misses.append(f"{entry['file']}: {len(papers)} invented paper(s)")
        return tally
    expected = entry.get("expected")
    if isinstance(expected, list):
        tally.entries = len(expected)
        found = match(papers, expected)
        tally.stored = sum(hit is not None for hit in found)
        tally.invented = max(0, len(papers) - tally.stored)
        for record, hit in zip(expected, found, strict=True):
            if hit is None:
                tally.misses.append(f"{entry['file']}: not stored: {record['title']!r}")
                tally.compared += sum(1 for name in FIELDS if name in record)
                continue
            for name in FIELDS:
                if name not in record:
                    continue
                tally.compared += 1
                if field_equal(name, hit, record):
                    tally.exact += 1
                else:
                    got = getattr(hit, name)
                    tally.misses.append(f"{entry['file']}: {name}: {got!r} != {record[name]!r}")
        return tally
    text = path.read_bytes().decode("utf-8", errors="replace").lstrip("\ufeff")
    tally.entries = count_entries(kind, text)
    tally.stored = min(len(papers), tally.entries)
    tally.invented = max(0, len(papers) - tally.entries)
    if tally.stored < tally.entries:
        tally.misses.append(f"{entry['file']}: {tally.stored} of {tally.entries} stored")
    return tally


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "    -"


def print_table(title: str, rows: dict[str, Tally]) -> None:
    print(f"\n{title}")
    print(
        f"{'kind':<14}{'files':>6}{'entries':>9}{'stored':>8}{'stored%':>9}"
        f"{'fields':>8}{'exact%':>8}{'crash':>7}{'invented':>10}{'refused':>9}"
    )
    total = Tally()
    for kind in sorted(rows):
        t = rows[kind]
        total.add(t)
        print(
            f"{kind:<14}{t.files:>6}{t.entries:>9}{t.stored:>8}{pct(t.stored, t.entries):>9}"
            f"{t.compared:>8}{pct(t.exact, t.compared):>8}{t.crashes:>7}{t.invented:>10}"
            f"{t.unrecognised:>9}"
        )
    print(
        f"{'all':<14}{total.files:>6}{total.entries:>9}{total.stored:>8}"
        f"{pct(total.stored, total.entries):>9}{total.compared:>8}"
        f"{pct(total.exact, total.compared):>8}{total.crashes:>7}{total.invented:>10}"
        f"{total.unrecognised:>9}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--verbose", action="store_true", help="list every miss")
    args = parser.parse_args()
    manifest_path = args.data / "manifest.json"
    if not manifest_path.exists():
        print(f"no manifest at {manifest_path}; collect the files first (see the docstring)")
        return 1
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    held_out = set(manifest["held_out_repos"])
    splits: dict[str, dict[str, Tally]] = {
        "tuning": defaultdict(Tally),
        "held-out": defaultdict(Tally),
    }
    misses: dict[str, list[str]] = {"tuning": [], "held-out": []}
    for entry in manifest["files"]:
        split = "held-out" if entry["repo"] in held_out else "tuning"
        tally = run_file(entry, args.data)
        splits[split][str(entry["kind"])].add(tally)
        misses[split].extend(tally.misses)
    for split in ("tuning", "held-out"):
        repos = (
            sorted({e["repo"] for e in manifest["files"]} & held_out) if split == "held-out" else []
        )
        label = f"{split} ({', '.join(repos)})" if repos else split
        print_table(label, splits[split])
        if args.verbose:
            for line in misses[split]:
                print(f"  - {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
