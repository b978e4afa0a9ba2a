"""The `litassist` command line: a thin layer over the library, engine and TUI.

Each command module registers its commands on the `cli` group; heavy libraries (chromadb,
llama-index, onnxruntime, textual, openai) are imported inside the commands, so `--help`
starts fast.
"""

from __future__ import annotations

from assistant.cli import (  # noqa: F401  (registration)
    answer_commands,
    compare_commands,
    config_commands,
    export_commands,
    library_commands,
    maintenance_commands,
    scholarly_commands,
    tui_commands,
    zotero_commands,
)
from assistant.cli.app import cli, main

__all__ = ["cli", "main"]
