"""A search result shows the sentence of its passage that matched the query, not its start."""

from __future__ import annotations

from assistant.rag.excerpt import best_sentence

PASSAGE = (
    "Recent years have seen rapid progress in foundation models. "
    "We introduce Quilt-1M, a dataset of one million histopathology image-text pairs curated "
    "from YouTube. "
    "Models pre-trained on it outperform prior work on zero-shot classification."
)


def test_the_sentence_sharing_most_query_terms_is_shown() -> None:
    shown = best_sentence("histopathology image-text pairs", PASSAGE)
    assert shown.startswith("We introduce Quilt-1M") and shown.endswith("from YouTube.")
    assert best_sentence("zero-shot classifications", PASSAGE).startswith("Models pre-trained")


def test_without_a_shared_term_the_first_sentence_and_a_tie_goes_to_the_earliest() -> None:
    assert best_sentence("unrelated words entirely", PASSAGE).startswith("Recent years")
    assert best_sentence("models", PASSAGE).startswith("Recent years")  # in the 1st and 3rd
    assert best_sentence("", "") == ""
