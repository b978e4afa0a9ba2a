"""Exports: cited notes in Markdown, BibTeX of the cited papers, JSON.

Pure functions returning text; the CLI and the TUI write it with `files.write_atomic`.
"""
