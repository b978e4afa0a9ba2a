"""The layering as a fact of the running code (the import contracts in pyproject.toml check the
source): the core loads no UI library, and the quick commands load no heavy one."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import assistant
from assistant.store.catalog import Catalog
from tests.conftest import ROOT

UI = ("textual", "click", "rich")
HEAVY = ("chromadb", "llama_index", "onnxruntime")


def headless_modules() -> list[str]:
    """Every module of `assistant` outside the two front ends."""
    found = pkgutil.walk_packages(assistant.__path__, prefix="assistant.")
    names = [m.name for m in found if not m.name.startswith(("assistant.cli", "assistant.tui"))]
    return sorted(n for n in names if n != "assistant.__main__")  # __main__ runs the CLI


# Records which module first imports each watched library.  httpx (used by chromadb and the
# scholarly clients) imports click and rich for its own command line when they are installed:
# that is its business, not an import of ours, so the importer is what is checked.
IMPORT_EACH = """
import importlib, json, sys
watched = set(json.loads(sys.argv[1]))
importers = {}

class Watch:
    def find_spec(self, name, path=None, target=None):
        top = name.partition(".")[0]
        if top in watched and top not in importers:
            frame = sys._getframe(1)
            while frame.f_globals.get("__name__", "").startswith(("importlib", "_frozen")):
                frame = frame.f_back
            importers[top] = frame.f_globals.get("__name__", "?")
        return None

sys.meta_path.insert(0, Watch())
for name in json.loads(sys.argv[2]):
    importlib.import_module(name)
print(json.dumps({"importers": importers, "loaded": sorted(watched & set(sys.modules))}))
"""


def run(code: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_no_headless_module_loads_a_ui_library() -> None:
    modules = headless_modules()
    assert "assistant.app" in modules and "assistant.store.library" in modules
    seen = json.loads(run(IMPORT_EACH, json.dumps(UI), json.dumps(modules)).splitlines()[-1])
    ours = {ui: who for ui, who in seen["importers"].items() if who.startswith("assistant")}
    assert ours == {}, f"imported by: {ours}"
    assert "textual" not in seen["loaded"]  # no library of the core brings the TUI's along


LOADED_BY_CLI = """
import json, sys
from assistant.cli import main
try:
    main(sys.argv[2:])
except SystemExit as exit:
    assert not exit.code, exit.code
watched = json.loads(sys.argv[1])
print(json.dumps(sorted(m for m in watched if m in sys.modules)))
"""


def test_help_and_papers_load_no_heavy_library(tmp_path: Path) -> None:
    Catalog.open(tmp_path / "lib", create=True).close()
    for args in (["--help"], ["--data-dir", str(tmp_path / "lib"), "papers", "--json"]):
        loaded = json.loads(run(LOADED_BY_CLI, json.dumps(HEAVY), *args).splitlines()[-1])
        assert loaded == [], f"litassist {' '.join(args)} loaded {loaded}"
