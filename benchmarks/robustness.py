"""Big inputs: peak memory and time of `litassist ingest` for a 4 MB and a 20 MB abstract,
400 MB `.bib` and `.json` files and a 1 GB file, each generated in a temporary folder (never
committed) and ingested by a fresh `litassist` process into a fresh library with the default
settings.

    .venv/bin/python benchmarks/robustness.py [--skip-gb] [--skip-400] [--keep]

Peak RSS is the child process's `ru_maxrss` (from `os.wait4`).  Goal: under 1 GB whatever
the input; the long abstracts are cut to `max_abstract_chars` (100,000 by default) and the
1 GB file is refused by `max_input_mb` (512 by default) with one line.

The 400 MB files come twice: 100 entries of 4 MB abstracts, fully ingested (each abstract
is cut, chunked and embedded: minutes, not hours), and 200,000-odd ordinary entries, read
by a fresh process through `iter_file` only ("parse only": embedding 200,000 abstracts on
two cores would take over an hour) -- the parser's share of an ingest's memory, which was
the part that grew with the file.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = [
    "seagrass",
    "meadows",
    "store",
    "organic",
    "carbon",
    "in",
    "sediments",
    "while",
    "warming",
    "eutrophication",
    "and",
    "coastal",
    "development",
    "drive",
    "their",
    "decline",
    "across",
    "temperate",
    "and",
    "tropical",
    "coasts",
]


def prose(chars: int) -> str:
    words: list[str] = []
    size = 0
    index = 0
    while size < chars:
        word = WORDS[index % len(WORDS)]
        words.append(word)
        size += len(word) + 1
        index += 1
    return " ".join(words)


def write_jsonl_with_abstract(path: Path, chars: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write(json.dumps({"title": "A paper with a huge abstract", "abstract": prose(chars)}))
        out.write("\n")
        for i in range(3):
            out.write(json.dumps({"title": f"Normal paper {i}", "abstract": prose(800)}) + "\n")


def write_bib_with_abstract(path: Path, chars: int) -> None:
    text = prose(chars).replace("carbon", "carbon {\\'e}", 50)
    path.write_text(
        "@article{huge,\n  title = {A paper with a huge abstract},\n"
        f"  author = {{Garc{{\\'i}}a, Ana}},\n  year = {{2020}},\n  abstract = {{{text}}}\n}}\n",
        encoding="utf-8",
    )


def write_big_bib(path: Path, size: int) -> None:
    entry_abstract = prose(1500)
    with path.open("w", encoding="utf-8") as out:
        written, index = 0, 0
        while written < size:
            entry = (
                f"@article{{k{index},\n  title = {{Generated paper number {index}}},\n"
                f"  author = {{Author, Some}},\n  year = {{2020}},\n"
                f"  abstract = {{{entry_abstract}}}\n}}\n\n"
            )
            out.write(entry)
            written += len(entry)
            index += 1


def write_big_json(path: Path, size: int, abstract_chars: int) -> None:
    """A CSL-JSON list of about `size` bytes, one item per line."""
    abstract = prose(abstract_chars)
    with path.open("w", encoding="utf-8") as out:
        out.write("[\n")
        written, index = 2, 0
        while written < size:
            item = json.dumps(
                {
                    "id": f"k{index}",
                    "type": "article-journal",
                    "title": f"Generated paper number {index}",
                    "author": [{"family": "Author", "given": "Some"}],
                    "issued": {"date-parts": [[2020]]},
                    "abstract": abstract,
                }
            )
            out.write(("," if index else "") + item + "\n")
            written += len(item) + 2
            index += 1
        out.write("]\n")


def write_big_bib_entries(path: Path, size: int, abstract_chars: int) -> None:
    entry_abstract = prose(abstract_chars)
    with path.open("w", encoding="utf-8") as out:
        written, index = 0, 0
        while written < size:
            entry = (
                f"@article{{k{index},\n  title = {{Generated paper number {index}}},\n"
                f"  author = {{Author, Some}},\n  year = {{2020}},\n"
                f"  abstract = {{{entry_abstract}}}\n}}\n\n"
            )
            out.write(entry)
            written += len(entry)
            index += 1


def run_parse_only(file: Path) -> tuple[int, float, float, str]:
    """(exit code, seconds, peak RSS in MB, papers read) of a process that only parses."""
    code = (
        "import sys; from pathlib import Path; from assistant.sources import iter_file\n"
        "n = sum(len(r.papers) for r in iter_file(Path(sys.argv[1])))\n"
        "print(f'{n:,} papers read (parse only)')"
    )
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", code, str(file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    lines = [line for line in output.strip().splitlines() if line.strip()]
    code_ = os.waitstatus_to_exitcode(status)
    return code_, seconds, usage.ru_maxrss / 1024, lines[-1] if lines else ""


def run_ingest(file: Path, data_dir: Path) -> tuple[int, float, float, str]:
    """(exit code, seconds, peak RSS in MB, last line of output) of one ingest process."""
    code = "import sys; from assistant.cli import main; main(sys.argv[1:])"
    args = [sys.executable, "-c", code, "--data-dir", str(data_dir), "ingest", str(file)]
    start = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    lines = [line for line in output.strip().splitlines() if line.strip()]
    return process.returncode, seconds, usage.ru_maxrss / 1024, lines[-1] if lines else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip-gb", action="store_true", help="leave out the 1 GB file")
    parser.add_argument("--skip-400", action="store_true", help="leave out the 400 MB files")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    args = parser.parse_args()
    cases = [
        ("4 MB abstract (.jsonl)", "a4.jsonl", lambda p: write_jsonl_with_abstract(p, 4 * 2**20)),
        (
            "20 MB abstract (.jsonl)",
            "a20.jsonl",
            lambda p: write_jsonl_with_abstract(p, 20 * 2**20),
        ),
        ("20 MB abstract (.bib)", "a20.bib", lambda p: write_bib_with_abstract(p, 20 * 2**20)),
    ]
    mb400 = 400 * 2**20
    if not args.skip_400:
        cases += [
            (
                "400 MB .bib, 100 x 4 MB abstracts",
                "b400.bib",
                lambda p: write_big_bib_entries(p, mb400, 4 * 2**20),
            ),
            (
                "400 MB .json, 100 x 4 MB abstracts",
                "j400.json",
                lambda p: write_big_json(p, mb400, 4 * 2**20),
            ),
            (
                "400 MB .bib, ordinary entries (parse only)",
                "p400.bib",
                lambda p: write_big_bib_entries(p, mb400, 1500),
            ),
            (
                "400 MB .json, ordinary items (parse only)",
                "p400.json",
                lambda p: write_big_json(p, mb400, 1500),
            ),
        ]
    if not args.skip_gb:
        cases.append(("1 GB file (.bib)", "big.bib", lambda p: write_big_bib(p, 2**30)))
    folder = Path(tempfile.mkdtemp(prefix="litassist-robustness-"))
    rows: list[tuple[str, str, str, str, str, str]] = []
    try:
        for label, name, generate in cases:
            file = folder / name
            generate(file)
            size = f"{file.stat().st_size / 2**20:,.0f} MB"
            if "parse only" in label:
                code, seconds, rss, last = run_parse_only(file)
            else:
                code, seconds, rss, last = run_ingest(file, folder / f"lib-{name}")
            rows.append((label, size, str(code), f"{seconds:.1f}", f"{rss:,.0f}", last[:90]))
            print("  ".join(rows[-1]), file=sys.stderr, flush=True)  # progress: minutes each
            if not args.keep:
                file.unlink()
    finally:
        if not args.keep:
            subprocess.run(["rm", "-rf", str(folder)], check=False)
    header = ("input", "file", "exit", "seconds", "peak RSS MB", "summary")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
