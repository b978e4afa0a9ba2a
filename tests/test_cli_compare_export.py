"""`litassist compare`, `comparisons` and `export` through the real entry point, on a copy of the
sample library: offline comparisons, an LLM comparison against a respx-mocked endpoint, notes and
BibTeX written to disk (overwrite refused without --force, safe file names, atomic writes), and
no API key in anything exported."""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
from pathlib import Path

import bibtexparser
import pytest
import respx
import yaml

from assistant.cli.compare_commands import OFFLINE_NOTICE
from assistant.files import safe_filename
from tests.compare_endpoint import FakeCompareEndpoint
from tests.openai_sse import BASE_URL, MODEL

KEY = "sk-export-secret-key-24680"
DATADAM = "DataDAM: Efficient Dataset Distillation with Attention Matching"
FYI = "FYI: Flip Your Images for Dataset Distillation"
QUESTION = "How many images and scene classes does the NWPU-RESISC45 dataset have?"


@pytest.fixture
def home(sample_library: Path, tmp_path: Path) -> Path:
    target = tmp_path / "lib"
    shutil.copytree(sample_library, target)
    return target


@pytest.fixture
def cli(run_cli, home: Path):
    def run(*args: str):
        return run_cli("--data-dir", str(home), *args)

    return run


def paper_id(cli, title: str) -> str:
    papers = json.loads(cli("papers", "--json").out)
    return next(p["id"] for p in papers if p["title"] == title)


def front(note: str) -> dict:
    return yaml.safe_load(note.split("---\n", 2)[1])


# ---- compare ----------------------------------------------------------------------------------
def test_compare_a_topic_offline_prints_a_table_and_stores_it(cli) -> None:
    result = cli("compare", "--topic", "dataset distillation", "-n", "3")
    assert result.code == 0, result.err
    assert OFFLINE_NOTICE in result.err
    (stored,) = json.loads(cli("comparisons", "--json").out)
    # Named from its papers and topic ("A, B et al.: dataset distillation") or the topic alone.
    assert stored["title"].lower().startswith(("dataset distillation (3 papers)",)) or stored[
        "title"
    ].endswith(" et al.: dataset distillation")
    assert "(offline, extractive)" in result.out
    assert "Limitations" in result.out and "not stated" in result.out
    assert "Synthesis" in result.out and "Sources:" in result.out
    (stored,) = json.loads(cli("comparisons", "--json").out)
    assert f"comparison {stored['id']}" in result.err
    assert stored["papers"] == 3 and stored["mode"] == "extractive"


def test_compare_papers_as_json(cli) -> None:
    first, second = paper_id(cli, DATADAM), paper_id(cli, FYI)
    result = cli("compare", first, second, "--aspects", "data,Method", "--format", "json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["aspects"] == ["data", "method"]
    assert [row["paper_id"] for row in data["rows"]] == [first, second]
    owner = {s["number"]: s["paper_id"] for s in data["sources"]}
    for row in data["rows"]:
        assert set(row["cells"]) == {"data", "method"}
        for cell in row["cells"].values():
            assert all(owner[n] == row["paper_id"] for n in cell["citations"])
    assert "CIFAR10/100" in data["rows"][0]["cells"]["data"]["text"]


def test_compare_usage_errors_are_one_line(cli) -> None:
    for args, expected in (
        (("compare",), "Name the papers to compare"),
        (("compare", "x", "--topic", "y"), "either paper REFS or --topic"),
        (("compare", "nope-such-paper", "nope-2"), "No paper matches 'nope-such-paper'"),
        (("compare", "--topic", "medieval maritime law"), "no papers on"),
        (("compare", "a", "b", "--mode", "llm"), "No LLM endpoint configured"),
    ):
        result = cli(*args)
        assert result.code == 1
        *notice, error = result.err.strip().split("\n")
        assert notice in ([], [OFFLINE_NOTICE])
        assert error.startswith("error: ") and expected in error


# ---- export -----------------------------------------------------------------------------------
def test_export_a_comparison_to_a_folder_refuses_to_overwrite(cli, tmp_path: Path) -> None:
    assert cli("compare", "--topic", "dataset distillation", "-n", "3").code == 0
    notes = tmp_path / "notes"
    notes.mkdir()
    result = cli("export", "--last-comparison", "--out", str(notes))
    assert result.code == 0, result.err
    (written,) = notes.iterdir()
    (stored,) = json.loads(cli("comparisons", "--json").out)
    assert written.name == safe_filename(stored["title"]) + ".md"  # the note is named like it
    assert f"wrote {written}" in result.err
    note = written.read_text(encoding="utf-8")
    assert front(note)["question"] == "dataset distillation"
    again = cli("export", "--last-comparison", "--out", str(notes))
    assert again.code == 1 and "already exists; use --force" in again.err
    assert written.read_text(encoding="utf-8") == note
    forced = cli("export", "--last-comparison", "--out", str(notes), "--style", "pandoc", "--force")
    assert forced.code == 0, forced.err
    assert "[@" in written.read_text(encoding="utf-8")
    assert written.with_suffix(".bib").exists()


def test_export_into_a_new_folder_given_with_a_slash(cli, tmp_path: Path) -> None:
    assert cli("compare", "--topic", "dataset distillation", "-n", "3").code == 0
    result = cli("export", "--last-comparison", "--out", f"{tmp_path / 'new' / 'notes'}/")
    assert result.code == 0, result.err
    (written,) = (tmp_path / "new" / "notes").iterdir()  # into it, not a file "notes.md"
    assert written.suffix == ".md" and not (tmp_path / "new" / "notes.md").exists()
    umask = os.umask(0o022)
    os.umask(umask)
    assert written.stat().st_mode & 0o777 == 0o666 & ~umask  # the user's umask, not 0600


def test_export_a_conversation_in_pandoc_style_writes_note_and_bib(cli, tmp_path: Path) -> None:
    assert cli("ask", QUESTION).code == 0
    out = tmp_path / "notes" / "resisc.md"
    result = cli(
        "export", "--last", "--style", "pandoc", "--out", str(out), "--tag", "remote sensing"
    )
    assert result.code == 0, result.err
    note = out.read_text(encoding="utf-8")
    bib = (tmp_path / "notes" / "resisc.bib").read_text(encoding="utf-8")
    meta = front(note)
    assert meta["bibliography"] == "resisc.bib" and meta["question"] == QUESTION
    assert meta["tags"] == ["litassist", "remote-sensing"]
    cited = set(re.findall(r"\[@([^\];\s]+)\]", note))
    entries = bibtexparser.parse_string(bib)
    assert not entries.failed_blocks and cited == {e.key for e in entries.entries}
    assert "Remote Sensing Image Scene Classification" in bib


def test_export_formats_to_standard_output(cli) -> None:
    assert cli("compare", "--topic", "dataset distillation", "-n", "3").code == 0
    bib = cli("export", "--last-comparison", "--format", "bibtex")
    assert bib.code == 0 and len(bibtexparser.parse_string(bib.out).entries) == 3
    data = json.loads(cli("export", "--last-comparison", "--format", "json").out)
    assert data["kind"] == "comparison" and len(data["rows"]) == 3
    assert cli("ask", QUESTION).code == 0
    conversation = json.loads(cli("export", "--format", "json").out)  # the last one by default
    assert (
        conversation["kind"] == "conversation" and conversation["turns"][0]["question"] == QUESTION
    )
    md = cli("export")
    assert md.code == 0 and md.out.startswith("---\n") and "[^1]" in md.out


def test_export_refuses_ambiguous_or_missing_targets(cli) -> None:
    nothing = cli("export")
    assert nothing.code == 1 and "No conversations to export yet" in nothing.err
    none_compared = cli("export", "--last-comparison")
    assert none_compared.code == 1 and "No comparisons to export yet" in none_compared.err
    both = cli("export", "abc", "--last-comparison")
    assert both.code == 1 and "Export one thing" in both.err
    unknown = cli("export", "--comparison", "ffffffff")
    assert unknown.code == 1 and "No comparison 'ffffffff'" in unknown.err


def test_file_names_are_made_safe(cli, tmp_path: Path) -> None:
    assert cli("ask", "../../etc/passwd: what is DataDAM?").code == 0
    folder = tmp_path / "out"
    folder.mkdir()
    assert cli("export", "--out", str(folder)).code == 0
    (written,) = folder.iterdir()
    assert written.name == "etc-passwd-what-is-DataDAM.md"
    assert not (tmp_path / "etc").exists()
    named = cli("export", "--out", str(folder / "a:b?*.md"))
    assert named.code == 0, named.err
    assert (folder / "a-b.md").is_file()


def test_a_failed_write_leaves_no_file(cli, tmp_path: Path, monkeypatch) -> None:
    assert cli("ask", QUESTION).code == 0
    folder = tmp_path / "out"
    folder.mkdir()
    existing = folder / "note.md"
    existing.write_text("my own notes\n", encoding="utf-8")

    def full_disk(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full_disk)
    result = cli("export", "--out", str(folder / "fresh.md"))
    assert result.code == 1 and "No space left on device" in result.err
    assert result.err.count("\n") == 1
    failed = cli("export", "--out", str(existing), "--force")
    assert failed.code == 1
    assert [p.name for p in folder.iterdir()] == ["note.md"]  # no half file, no temp file
    assert existing.read_text(encoding="utf-8") == "my own notes\n"


def test_a_failed_render_writes_nothing(cli, tmp_path: Path, monkeypatch) -> None:
    assert cli("ask", QUESTION).code == 0

    def broken(*args, **kwargs) -> str:
        raise RuntimeError("renderer bug")

    monkeypatch.setattr("assistant.export.exporter.conversation_note", broken)
    result = cli("export", "--style", "pandoc", "--out", str(tmp_path / "note.md"))
    assert result.code == 1 and "renderer bug" in result.err
    assert not (tmp_path / "note.md").exists() and not (tmp_path / "note.bib").exists()


# ---- an LLM comparison ------------------------------------------------------------------------
@pytest.fixture
def endpoint(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("OPENAI_BASE_URL", BASE_URL)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("LITASSIST_MODEL", MODEL)
    fake = FakeCompareEndpoint()
    with respx.mock(assert_all_called=False) as router:
        fake.install(router)
        yield fake


def test_llm_comparison_and_its_exports_never_contain_the_key(
    cli, endpoint: FakeCompareEndpoint, home: Path, tmp_path: Path
) -> None:
    first, second = paper_id(cli, DATADAM), paper_id(cli, FYI)
    result = cli("compare", first, second, "--aspects", "task,results")
    assert result.code == 0, result.err
    assert f"({'LLM'} {MODEL})" in result.out and OFFLINE_NOTICE not in result.err
    (request,) = endpoint.requests
    assert request["response_format"]["type"] == "json_schema"
    out = tmp_path / "llm.md"
    for args in (("--format", "json"), ("--format", "bibtex"), ("--out", str(out))):
        exported = cli("export", "--last-comparison", *args)
        assert exported.code == 0, exported.err
        assert KEY not in exported.out and KEY not in exported.err
    note = out.read_text(encoding="utf-8")
    assert front(note)["model"] == MODEL and KEY not in note
    assert KEY.encode() not in (home / "comparisons.sqlite").read_bytes()


def test_llm_comparison_that_never_validates_fails_cleanly(
    cli, endpoint: FakeCompareEndpoint
) -> None:
    endpoint.replies = ["not json", "still not json"]
    result = cli("compare", paper_id(cli, DATADAM), paper_id(cli, FYI), "--mode", "llm")
    assert result.code == 1
    assert result.err.startswith("error: The model 'test-model'")
    assert "--mode extractive" in result.err and result.err.count("\n") == 1
    assert json.loads(cli("comparisons", "--json").out) == []  # nothing half-stored
