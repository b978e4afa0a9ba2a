"""The library commands end to end through the real entry point: ingest, papers, search,
remove, config; bad input and broken data folders give one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, SAMPLE_CORPUS


def test_ingest_then_papers_search_remove(run_cli, tmp_path: Path) -> None:
    home = tmp_path / "lib"
    first = run_cli("--data-dir", str(home), "ingest", str(SAMPLE_CORPUS))
    assert first.code == 0, first.err
    assert first.out.strip() == (
        "Ingested 1 file(s): 60 added, 0 updated, 0 unchanged (60 papers stored); nothing skipped."
    )
    again = run_cli("--data-dir", str(home), "ingest", str(SAMPLE_CORPUS))
    assert "0 added, 0 updated, 60 unchanged" in again.out

    listed = run_cli("--data-dir", str(home), "papers", "--json")
    papers = json.loads(listed.out)
    assert len(papers) == 60
    assert all(p["chunks"] >= 1 and p["indexed"] for p in papers)

    found = run_cli(
        "--data-dir", str(home), "search", "histopathology image-text pairs", "-k", "2", "--json"
    )
    results = json.loads(found.out)["results"]
    assert results[0]["title"].startswith("Quilt-1M")
    assert results[0]["passages"][0]["text"]
    target = results[0]["id"]
    shown = run_cli("--data-dir", str(home), "search", "histopathology image-text pairs", "-n", "1")
    excerpt = shown.out.splitlines()[1].strip()  # under the title: the sentence that matched
    assert (
        "image-text" in excerpt.lower() and excerpt.rstrip("…") in results[0]["passages"][0]["text"]
    )

    removed = run_cli("--data-dir", str(home), "remove", target)
    assert removed.code == 0 and target in removed.out
    after = json.loads(run_cli("--data-dir", str(home), "papers", "--json").out)
    assert len(after) == 59 and target not in {p["id"] for p in after}
    again = json.loads(
        run_cli("--data-dir", str(home), "search", "histopathology image-text", "--json").out
    )
    assert all(r["id"] != target for r in again["results"])


def test_malformed_file_is_reported_and_the_rest_kept(run_cli, tmp_path: Path) -> None:
    source = tmp_path / "mixed.jsonl"
    source.write_text(
        '{"title": "Good paper one", "abstract": "An abstract about segmentation masks."}\n'
        '{"title": "broken", "abstract": \n'
        '{"title": "Good paper two", "abstract": "An abstract about depth estimation."}\n',
        encoding="utf-8",
    )
    result = run_cli("--data-dir", str(tmp_path / "lib"), "ingest", str(source))
    assert result.code == 0
    assert "2 added" in result.out and "1 malformed entry skipped" in result.out
    assert f"{source}:2" in result.err
    assert "Traceback" not in result.err


def test_missing_library_is_one_line(run_cli, tmp_path: Path) -> None:
    result = run_cli("--data-dir", str(tmp_path / "nothing"), "search", "anything")
    assert result.code == 1
    assert result.err.count("\n") == 1
    assert result.err.startswith("error: No library in") and "litassist ingest" in result.err
    listed = run_cli("--data-dir", str(tmp_path / "nothing"), "papers")
    assert listed.code == 1 and listed.err.startswith("error: No library in")


def test_corrupt_catalog_is_one_line(run_cli, tmp_path: Path) -> None:
    home = tmp_path / "lib"
    home.mkdir()
    (home / "library.sqlite").write_bytes(b"this is not a database" * 100)
    result = run_cli("--data-dir", str(home), "papers")
    assert result.code == 1
    assert result.err.count("\n") == 1 and "is damaged" in result.err
    assert "run `litassist doctor --repair`" in result.err  # advice that leads somewhere
    assert (home / "library.sqlite").read_bytes().startswith(b"this is not")  # left untouched


def test_unknown_paper_and_missing_file(run_cli, tmp_path: Path) -> None:
    home = str(tmp_path / "lib")
    assert run_cli("--data-dir", home, "ingest", str(SAMPLE_CORPUS)).code == 0
    result = run_cli("--data-dir", home, "remove", "doi:10.9999/nope")
    assert result.code == 1 and "No paper matches" in result.err
    missing = run_cli("--data-dir", home, "ingest", str(tmp_path / "nope.bib"))
    assert "no such file" in missing.err.lower()


def test_config_never_shows_the_key(run_cli, monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret-123456")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    result = run_cli("config", "--json")
    shown = json.loads(result.out)
    assert shown["openai_api_key"] == "set (hidden)"
    assert shown["effective_mode"] == "llm"
    assert "sk-secret" not in result.out + result.err


def test_help_does_not_import_heavy_libraries() -> None:
    code = (
        "import sys; from assistant.cli import cli; "
        "import click.testing as t; r = t.CliRunner().invoke(cli, ['--help']); "
        "assert r.exit_code == 0, r.output; "
        "heavy = [m for m in ('chromadb', 'llama_index', 'onnxruntime', 'textual', 'openai', "
        "'bm25s') if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.strip() == ""


def test_papers_command_stays_light(tmp_path: Path, run_cli) -> None:
    home = tmp_path / "lib"
    assert run_cli("--data-dir", str(home), "ingest", str(SAMPLE_CORPUS)).code == 0
    code = (
        "import sys; from assistant.cli import main\n"
        "try:\n    main(['--data-dir', sys.argv[1], 'papers'])\nexcept SystemExit: pass\n"
        "heavy = [m for m in ('chromadb', 'llama_index', 'onnxruntime', 'textual', 'openai') "
        "if m in sys.modules]\nprint('HEAVY=' + ','.join(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(home)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert "HEAVY=\n" in out.stdout + "\n"
    assert "60 paper(s)." in out.stdout
