"""What keeps a replica's resident memory down (issue 21): the name model loads without
torch, the embedder's ONNX arena does not keep a batch's buffers, malloc arenas are
capped. Each memory check runs in a fresh interpreter: this one may hold anything."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from typing import Any

import numpy as np
import pytest

from frontdesk.process_memory import limit_malloc_arenas
from frontdesk.providers.embedders.onnx_minilm import OnnxEmbedder


def _run(code: str, **env: str) -> Any:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, **env},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


RSS = """
def rss():
    with open("/proc/self/status") as status:
        return next(int(l.split()[1]) // 1024 for l in status if l.startswith("VmRSS"))
"""


def test_the_name_model_loads_without_torch_and_training_can_still_import_it() -> None:
    found = _run(
        """
        import importlib.util, json, sys
        from pathlib import Path
        from frontdesk.guards.pii.names import NameGazetteer
        from frontdesk.guards.pii.names_eu import stop_words
        from frontdesk.guards.pii.ner import PresidioNer
        ner = PresidioNer()
        ner.warm_up()
        entities = [(e.label, e.start, e.end) for e in ner.entities("I am Maria Lopez from Lyon.")]
        NameGazetteer.load(ner.model_path)
        stop_words()
        loaded = {name: name in sys.modules for name in ("torch", "transformers")}
        installed = importlib.util.find_spec("torch") is not None
        if installed:
            import torch  # what intent fine-tuning does in the same process
        print(json.dumps({"entities": entities, "loaded": loaded, "installed": installed,
                          "torch_after": "torch" in sys.modules}))
        """
    )
    assert ["PERSON", 5, 16] in found["entities"]
    assert found["loaded"] == {"torch": False, "transformers": False}
    assert found["torch_after"] == found["installed"]


def test_a_batch_of_long_passages_leaves_the_embedders_memory_where_it_was() -> None:
    grown = _run(
        RSS
        + textwrap.dedent(
            """
        import json
        from frontdesk.providers.embedders.onnx_minilm import OnnxEmbedder
        embedder = OnnxEmbedder()
        embedder.warm_up()
        before = rss()
        words = "parcel refund password invoice delivery account order".split()
        embedder.embed([" ".join(words[(i + j) % 7] for j in range(300)) for i in range(64)])
        print(json.dumps(rss() - before))
        """
        )
    )
    # It kept ~1.3 GB of attention buffers (64 x 256 tokens) before the arena shrank.
    assert grown < 250


def test_shrinking_the_arena_after_a_batch_keeps_every_vector() -> None:
    texts = ["where is my parcel", "how do I reset my password " * 20, "refund to my card"]
    embedder = OnnxEmbedder()
    batch = embedder.embed(texts)
    one_by_one = np.stack([embedder.embed([text])[0] for text in texts])
    np.testing.assert_allclose(batch, one_by_one, atol=1e-5)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")
def test_malloc_arenas_are_capped_unless_the_environment_says_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    assert limit_malloc_arenas(2) == 2
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")  # glibc applies it itself
    assert limit_malloc_arenas(2) is None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")
def test_what_loading_freed_goes_back_to_the_system() -> None:
    freed = _run(
        RSS
        + textwrap.dedent(
            """
            import json
            from frontdesk.process_memory import trim_free_memory
            kept = [bytes(20_000) for _ in range(4000)]  # 80 MB of malloc blocks
            del kept[::2]  # freed in holes that the heap's top does not give back
            before = rss()
            print(json.dumps([trim_free_memory(), before - rss()]))
            """
        )
    )
    assert freed[0] is True
    assert freed[1] > 10
