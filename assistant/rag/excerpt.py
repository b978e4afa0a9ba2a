"""The sentence of a search result that best matches the query, shown under the result.

A passage's first characters say little about why it was found; the sentence sharing the most
of the query's index terms (the lexical index's own tokenizer: stems, compounds, no stop words)
does.  Written here because no splitter or highlighter we use picks one sentence by term overlap.
"""

from __future__ import annotations

from assistant.rag.sentences import split_sentences
from assistant.store.lexical_tokens import tokenize_one


def best_sentence(query: str, text: str) -> str:
    """The sentence of `text` holding the most distinct query terms (the earliest on a tie); the
    first sentence when none holds any (a passage found by meaning alone), `text` if it has no
    sentences."""
    terms = set(tokenize_one(query))
    sentences = split_sentences(text)
    if not sentences:
        return text
    counts = [len(terms & set(tokenize_one(s.text))) for s in sentences]
    best = max(range(len(sentences)), key=lambda i: (counts[i], -i))
    return sentences[best].text
