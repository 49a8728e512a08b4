"""Embedding: model loading errors, normalisation, and the on-disk vector cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from summarizer.statements.embed import encode_cached, load_embedder, normalise
from summarizer.errors import ModelError


def test_unknown_model_name_raises_model_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no-such-model"):
        load_embedder(str(tmp_path / "no-such-model"))


def test_normalise_gives_unit_rows_and_keeps_zero_rows() -> None:
    out = normalise(np.array([[3.0, 4.0], [0.0, 0.0]]))
    assert out.dtype == np.float32
    assert np.allclose(out, [[0.6, 0.8], [0.0, 0.0]])


def test_second_call_on_same_texts_encodes_nothing(fake_embedder, tmp_path: Path) -> None:
    texts = ["The summit opened.", "Leaders met in Minsk.", "The summit opened."]
    first = encode_cached(fake_embedder, texts, tmp_path)
    second = encode_cached(fake_embedder, texts, tmp_path)
    assert (first.encoded, first.cache_hits) == (2, 0)
    assert (second.encoded, second.cache_hits) == (0, 3)
    assert fake_embedder.encoded == 2
    assert np.array_equal(first.vectors, second.vectors)


def test_cached_vectors_match_fresh_ones_in_input_order(fake_embedder, tmp_path: Path) -> None:
    encode_cached(fake_embedder, ["b text", "a text"], tmp_path)
    out = encode_cached(fake_embedder, ["a text", "new text", "b text"], tmp_path)
    assert out.encoded == 1
    assert np.allclose(out.vectors, fake_embedder.encode(["a text", "new text", "b text"]))


def test_cache_is_keyed_by_model_name(fake_embedder, tmp_path: Path) -> None:
    encode_cached(fake_embedder, ["same text"], tmp_path)
    fake_embedder.name = "other-model"
    assert encode_cached(fake_embedder, ["same text"], tmp_path).encoded == 1


def test_empty_input_gives_empty_matrix(fake_embedder, tmp_path: Path) -> None:
    out = encode_cached(fake_embedder, [], tmp_path)
    assert out.vectors.shape[0] == 0 and out.encoded == 0


@pytest.mark.model
def test_real_model_loads_offline_and_encodes_unit_vectors(real_embedder) -> None:
    vectors = real_embedder.encode(["The CSTO summit was held in Bishkek.", "Leaders met in Bishkek for the CSTO."])
    assert vectors.shape == (2, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert float(vectors[0] @ vectors[1]) > 0.7


# -- precision: bfloat16 where the CPU has it, float32 otherwise or when bfloat16 fails ---------------------------

from summarizer.statements import embed  # noqa: E402


@pytest.mark.parametrize(
    ("flags", "native"),
    [("fpu avx2 avx512f avx512_bf16 avx512_vnni", True), ("fpu amx_bf16 amx_tile", True), ("fpu avx2 avx512f", False)],
)
def test_native_bfloat16_is_read_from_the_cpu_flags(flags: str, native: bool) -> None:
    assert embed.native_bfloat16(f"processor\t: 0\nflags\t\t: {flags}\n") is native


def test_auto_precision_is_float32_without_native_bfloat16(monkeypatch) -> None:
    monkeypatch.setattr(embed, "native_bfloat16", lambda cpuinfo=None: False)
    assert embed.resolve_precision("auto") == "float32"
    monkeypatch.setattr(embed, "native_bfloat16", lambda cpuinfo=None: True)
    assert embed.resolve_precision("auto") == "bfloat16"
    assert embed.resolve_precision("float32") == "float32"


def test_vectors_of_each_precision_are_cached_under_their_own_name() -> None:
    assert embed.model_name("all-MiniLM-L6-v2", "float32") == "all-MiniLM-L6-v2"
    assert embed.model_name("all-MiniLM-L6-v2", "bfloat16") == "all-MiniLM-L6-v2+bfloat16"


class TensorlessModel:
    """A stand-in model whose bfloat16 path fails, as an operation without a bfloat16 kernel would."""

    def __init__(self) -> None:
        self.calls: list[bool] = []

    def get_embedding_dimension(self) -> int:
        return 2

    def encode(self, texts, *, convert_to_tensor=False, **kw):
        self.calls.append(convert_to_tensor)
        if convert_to_tensor:
            raise RuntimeError('"addmm_impl_cpu_" not implemented for BFloat16')
        return np.array([[3.0, 4.0]] * len(texts), dtype=np.float32)


def test_failing_bfloat16_path_falls_back_to_float32_for_good() -> None:
    model = TensorlessModel()
    embedder = embed.SentenceTransformerEmbedder(model, "m", precision="bfloat16")
    assert np.allclose(embedder.encode(["a", "b"]), [[0.6, 0.8], [0.6, 0.8]])
    assert embedder.precision == "float32"
    embedder.encode(["c"])
    assert model.calls == [True, False, False]


@pytest.mark.model
def test_bfloat16_vectors_are_within_tolerance_of_float32(real_embedder) -> None:
    texts = [
        "The CSTO summit was held in Bishkek.",
        "Leaders of the six member states signed a declaration on collective security.",
        "Armenia did not attend.",
    ]
    fast = embed.SentenceTransformerEmbedder(real_embedder.model, "m", precision="bfloat16").encode(texts)
    plain = embed.SentenceTransformerEmbedder(real_embedder.model, "m", precision="float32").encode(texts)
    assert np.min(np.sum(fast * plain, axis=1)) > 0.9995


def test_count_uncached_counts_distinct_texts_without_a_vector(fake_embedder, tmp_path: Path) -> None:
    encode_cached(fake_embedder, ["known"], tmp_path)
    assert embed.count_uncached("fake", ["known", "new", "new", "other"], tmp_path) == 2
    assert embed.count_uncached("another-model", ["known"], tmp_path) == 1
