"""The codec: one wire shape per type, derived from the dataclasses, so a field added to `Paper`
reaches both catalogs, the stores and `--json` with no edit anywhere else."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import typing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from assistant import codec
from assistant.rag.chunking import chunk_paper
from assistant.store.catalog import Catalog
from assistant.store.comparisons import ComparisonStore
from assistant.store.library import Library
from assistant.types import (
    Answer,
    AnswerSentence,
    Chunk,
    Citation,
    Comparison,
    ComparisonCell,
    Paper,
    Passage,
    Source,
)
from tests.conftest import ROOT, HashingEmbedder

ABSTRACT = "We distil datasets. DataDAM matches attention maps. It gains 6.5% on CIFAR100."


def _value(name: str, hint: Any) -> Any:
    """A value for a field that is not its default (so a dropped field shows)."""
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    base = args[0] if type(None) in typing.get_args(hint) else hint
    if base is int:
        return 7
    if typing.get_origin(base) is tuple:
        return (f"{name} one", f"{name} two")
    return f"{name} value"


def full_paper(paper_id: str = "doi:10.1/full") -> Paper:
    """A paper with every field set, built from the dataclass: a new field is covered too."""
    values = {name: _value(name, hint) for name, hint in codec.field_hints(Paper).items()}
    return Paper(**{**values, "id": paper_id, "abstract": ABSTRACT, "year": 2023})


def test_every_paper_field_round_trips_as_dict_and_as_columns() -> None:
    paper = full_paper()
    assert codec.from_dict(Paper, json.loads(json.dumps(codec.to_dict(paper)))) == paper
    assert codec.from_columns(Paper, codec.to_columns(paper)) == paper
    assert codec.to_dict(paper)["keywords"] == ["keywords one", "keywords two"]


def test_old_data_reads_with_defaults_and_bad_data_is_named() -> None:
    old = codec.from_dict(Paper, {"id": "x", "title": "T", "abstract": None, "authors": ["A, B"]})
    assert old == Paper(id="x", title="T", authors=("A, B",))
    with pytest.raises(codec.CodecError, match=r"Paper.year: expected int"):
        codec.from_dict(Paper, {"id": "x", "title": "T", "year": "soon"})
    with pytest.raises(codec.CodecError, match=r"Paper.title is missing"):
        codec.from_dict(Paper, {"id": "x"})
    with pytest.raises(codec.CodecError, match="'llm' or 'extractive'"):
        codec.decode(typing.Literal["llm", "extractive"], "oracle")


def test_both_catalogs_keep_every_field(tmp_path: Path, server_url: str) -> None:
    paper = full_paper()
    for chroma_url in (None, server_url):
        library = Library.open(
            tmp_path / str(bool(chroma_url)), HashingEmbedder(), create=True, chroma_url=chroma_url
        )
        try:
            library.write([(paper, chunk_paper(paper))], ["full"])
            assert library.catalog.get(paper.id) == paper
            assert library.catalog.list_rows()[0].paper == paper
        finally:
            library.close()


def test_papers_json_prints_every_field_but_the_long_texts(run_cli, tmp_path: Path) -> None:
    paper = full_paper()
    library = Library.open(tmp_path / "lib", HashingEmbedder(), create=True)
    library.write([(paper, chunk_paper(paper))], ["full"])
    library.close()
    (shown,) = json.loads(run_cli("--data-dir", str(tmp_path / "lib"), "papers", "--json").out)
    expected = {k: v for k, v in codec.to_dict(paper).items() if k not in ("abstract", "raw_entry")}
    assert {k: shown[k] for k in expected} == expected


OLD_PAPERS_TABLE = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta VALUES ('schema', '1'), ('generation', '1'), ('embedder', 'test:hashing');
CREATE TABLE papers (id TEXT PRIMARY KEY, title TEXT NOT NULL, title_key TEXT NOT NULL,
    abstract TEXT NOT NULL, authors TEXT NOT NULL, year INTEGER, venue TEXT, doi TEXT,
    arxiv_id TEXT, url TEXT, source_file TEXT, source_format TEXT, citekey TEXT, raw_entry TEXT,
    line INTEGER, content_hash TEXT NOT NULL, indexed_hash TEXT, added_at TEXT NOT NULL,
    updated_at TEXT NOT NULL);
CREATE TABLE chunks (id TEXT PRIMARY KEY, paper_id TEXT NOT NULL, idx INTEGER NOT NULL,
    start INTEGER NOT NULL, end INTEGER NOT NULL);
INSERT INTO papers (id, title, title_key, abstract, authors, year, content_hash, added_at,
    updated_at) VALUES ('p1', 'Old paper', 'old', 'An abstract.', '["Kingma, D."]', 2015, 'h',
    '2025-01-01', '2025-01-01');
"""


def test_a_library_from_before_the_new_fields_opens_and_gains_them(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "library.sqlite")
    db.executescript(OLD_PAPERS_TABLE)
    db.close()
    catalog = Catalog.open(tmp_path)
    try:
        old = catalog.get("p1")
        assert old == Paper(id="p1", title="Old paper", abstract="An abstract.",
                            authors=("Kingma, D.",), year=2015)  # fmt: skip
        catalog.stage_many([(full_paper("p2"), "full", [])])
        assert catalog.get("p2") == full_paper("p2")
    finally:
        catalog.close()


ADD_A_FIELD = """
import dataclasses, json, sys
import assistant.types as types

# A field added to Paper, and nothing else changed: the stores and printers must carry it.
types.Paper = dataclasses.make_dataclass(
    "Paper", [("rank", "str | None", dataclasses.field(default=None))],
    bases=(types.Paper,), frozen=True, namespace={"__module__": "assistant.types"},
)
from assistant.cli import main
from assistant.store.catalog import Catalog

catalog = Catalog.open(__import__("pathlib").Path(sys.argv[1]))
paper = types.Paper(id="p3", title="Ranked", rank="A*")
catalog.stage_many([(paper, "ranked", [])])
assert catalog.get("p3") == paper, catalog.get("p3")
catalog.close()
main(["--data-dir", sys.argv[1], "papers", "--json"])
"""


def test_a_field_added_to_paper_needs_no_edit_in_the_catalog_or_printer(tmp_path: Path) -> None:
    Catalog.open(tmp_path, create=True).close()  # made before the field existed
    result = subprocess.run(
        [sys.executable, "-c", ADD_A_FIELD, str(tmp_path)],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (shown,) = json.loads(result.stdout)
    assert shown["rank"] == "A*"


# ---- answers and comparisons ------------------------------------------------------------------
def small_comparison() -> Comparison:
    paper = full_paper()
    chunk = Chunk(f"{paper.id}#0", paper.id, 0, ABSTRACT[20:], 20, len(ABSTRACT))
    source = Source(1, paper, Passage(chunk, 0.5, 1, None, 0.8, None))
    evidence = Citation(1, paper.id, chunk.id, 20, 51, 0.95, True)
    cells = (
        ComparisonCell(paper.id, "method", "DataDAM matches attention maps.", (1,), True, True,
                       0.95, None, (evidence,)),
        ComparisonCell(paper.id, "limitations", "not stated", stated=False),
    )  # fmt: skip
    return Comparison(
        id="c0ffee123456",
        aspects=("method", "limitations"),
        papers=(paper,),
        sources=(source,),
        cells=cells,
        synthesis="DataDAM matches attention maps [1].",
        mode="extractive",
        created_at=datetime(2025, 1, 2, tzinfo=UTC),
        synthesis_sentences=(
            AnswerSentence("DataDAM matches attention maps [1].", (1,), 0.9, True),
        ),
        synthesis_citations=(evidence,),
        topic="distillation",
    )


def test_answer_and_comparison_views_read_back_as_the_same_value() -> None:
    comparison = small_comparison()
    source = comparison.sources[0]
    answer = Answer(question="q", text="It matches maps [1].", mode="extractive",
                    sources=(source,), citations=comparison.synthesis_citations)  # fmt: skip
    for value, write, view, read in (
        (answer, codec.answer_to_dict, codec.answer_view, codec.answer_from_dict),
        (comparison, codec.comparison_to_dict, codec.comparison_view, codec.comparison_from_dict),
    ):
        for shape in (write, view):
            assert read(json.loads(json.dumps(shape(value)))) == value
    stored = codec.comparison_to_dict(comparison)
    assert "rows" not in stored and len(stored["cells"]) == 2  # each cell once
    shown = codec.comparison_view(comparison)
    assert shown["rows"][0]["cells"]["method"]["quotes"] == ["DataDAM matches attention maps."]


OLD_COMPARISONS_TABLE = """
CREATE TABLE comparisons (id TEXT PRIMARY KEY, title TEXT NOT NULL, created_at TEXT NOT NULL,
    papers INTEGER NOT NULL, aspects TEXT NOT NULL, mode TEXT NOT NULL, payload TEXT NOT NULL);
PRAGMA user_version = 1;
"""


def test_a_comparison_store_in_the_old_layout_opens_and_is_migrated(tmp_path: Path) -> None:
    comparison = small_comparison()
    old_payload = codec.comparison_view(comparison)  # version 1 stored cells twice, as the view
    assert "rows" in old_payload
    db = sqlite3.connect(tmp_path / "comparisons.sqlite")
    db.executescript(OLD_COMPARISONS_TABLE)
    with db:
        db.execute(
            "INSERT INTO comparisons VALUES (?,?,?,?,?,?,?)",
            (comparison.id, comparison.title, comparison.created_at.isoformat(), 1,
             json.dumps(list(comparison.aspects)), "extractive", json.dumps(old_payload)),
        )  # fmt: skip
    db.close()
    with ComparisonStore.open(tmp_path) as store:
        assert store.get(comparison.id) == comparison
    db = sqlite3.connect(tmp_path / "comparisons.sqlite")
    (payload,) = db.execute("SELECT payload FROM comparisons").fetchone()
    assert db.execute("PRAGMA user_version").fetchone()[0] == ComparisonStore.SCHEMA_VERSION
    db.close()
    assert "rows" not in json.loads(payload)
