"""The ONNX cross-encoder reranker, run on a tiny BERT-shaped model this test builds.

The model embeds tokens, keeps the second segment (token_type_ids == 1, the passage),
pools it and projects to one logit; its weights make the token "refund" the only signal,
so the expected order is known: more "refund" in the passage, higher score.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors

from frontdesk.errors import ConfigurationError
from frontdesk.retrieval.cross_encoder import CrossEncoderOptions, OnnxCrossEncoderReranker
from frontdesk.retrieval.types import Candidate, Chunk

WORDS = "how do i get a refund shipping takes days is possible within policy".split()


def build_model(folder: Path) -> None:
    vocab = {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3}
    vocab.update({w: i + 4 for i, w in enumerate(WORDS)})
    tok = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tok.normalizer = normalizers.Lowercase()
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", 2), ("[SEP]", 3)],
    )
    tok.save(str(folder / "tokenizer.json"))

    hidden = 4
    embeddings = np.zeros((len(vocab), hidden), dtype=np.float32)
    embeddings[vocab["refund"], 0] = 1.0
    embeddings[vocab["shipping"], 1] = 1.0
    projection = np.array([[2.0], [-1.0], [0.0], [0.0]], dtype=np.float32)
    nodes = [
        helper.make_node("Gather", ["embeddings", "input_ids"], ["tokens"]),
        helper.make_node("Mul", ["attention_mask", "token_type_ids"], ["passage_mask"]),
        helper.make_node("Cast", ["passage_mask"], ["mask_f"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["mask_f", "axis2"], ["mask3"]),
        helper.make_node("Mul", ["tokens", "mask3"], ["masked"]),
        helper.make_node("ReduceSum", ["masked", "axis1"], ["pooled"], keepdims=0),
        helper.make_node("MatMul", ["pooled", "projection"], ["projected"]),
        helper.make_node("Add", ["projected", "bias"], ["logits"]),
    ]
    ints = [
        helper.make_tensor_value_info(name, TensorProto.INT64, ["batch", "sequence"])
        for name in ("input_ids", "attention_mask", "token_type_ids")
    ]
    graph = helper.make_graph(
        nodes,
        "tiny_cross_encoder",
        ints,
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 1])],
        initializer=[
            numpy_helper.from_array(embeddings, "embeddings"),
            numpy_helper.from_array(projection, "projection"),
            numpy_helper.from_array(np.array([-1.0], dtype=np.float32), "bias"),
            numpy_helper.from_array(np.array([2], dtype=np.int64), "axis2"),
            numpy_helper.from_array(np.array([1], dtype=np.int64), "axis1"),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(folder / "model.onnx"))


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    build_model(tmp_path)
    return tmp_path


def candidate(chunk_id: str, text: str) -> Candidate:
    return Candidate(chunk=Chunk(id=chunk_id, text=text), score=0.0)


def test_loads_the_local_model_and_reorders_by_relevance(model_dir: Path) -> None:
    reranker = OnnxCrossEncoderReranker(CrossEncoderOptions(model_dir=str(model_dir)))
    reranker.warm_up()
    given = [
        candidate("ship", "shipping takes days"),
        candidate("one", "a refund is possible"),
        candidate("two", "refund within days refund policy"),
    ]
    ranked = reranker.rerank("how do i get a refund", given)
    assert [c.chunk.id for c in ranked] == ["two", "one", "ship"]
    assert ranked[0].features["cross_encoder_logit"] == pytest.approx(2 * 2.0 - 1.0)
    assert ranked[-1].score < 0.5 < ranked[0].score


def test_query_words_do_not_count_only_the_passage_does(model_dir: Path) -> None:
    reranker = OnnxCrossEncoderReranker(CrossEncoderOptions(model_dir=str(model_dir)))
    with_refund, without = reranker.score("refund refund refund", ["days", "refund"])
    assert with_refund == pytest.approx(-1.0)
    assert without == pytest.approx(1.0)


def test_batches_give_the_same_scores_as_one_call(model_dir: Path) -> None:
    passages = ["refund " * n + "days" for n in range(7)]
    small = OnnxCrossEncoderReranker(CrossEncoderOptions(str(model_dir), batch_size=2))
    large = OnnxCrossEncoderReranker(CrossEncoderOptions(str(model_dir), batch_size=16))
    assert small.score("refund", passages) == pytest.approx(large.score("refund", passages))


def test_missing_files_name_the_path(tmp_path: Path) -> None:
    reranker = OnnxCrossEncoderReranker(CrossEncoderOptions(model_dir=str(tmp_path)))
    with pytest.raises(ConfigurationError, match=r"model\.onnx"):
        reranker.warm_up()


def test_corrupt_model_is_a_configuration_error(model_dir: Path) -> None:
    (model_dir / "model.onnx").write_bytes(b"not an onnx model")
    reranker = OnnxCrossEncoderReranker(CrossEncoderOptions(model_dir=str(model_dir)))
    with pytest.raises(ConfigurationError, match="cannot load"):
        reranker.warm_up()
