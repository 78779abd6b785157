#!/usr/bin/env bash
# Creates bench/.venv-peers: LlamaIndex and Haystack for bench/retrieval.py (not project deps).
# Peers embed through Frontdesk's OnnxEmbedder (model paths passed by the bench), so this
# venv needs onnxruntime and tokenizers but no model package, and downloads no weights.
set -euo pipefail
cd "$(dirname "$0")"
PYTHON="${PYTHON:-python3.11}"
"$PYTHON" -m venv .venv-peers
.venv-peers/bin/pip install -q \
  "llama-index-core==0.14.25" \
  "llama-index-retrievers-bm25==0.8.0" \
  "bm25s==0.3.16" \
  "PyStemmer==2.2.0.3" \
  "haystack-ai==3.4.1" \
  "numpy==2.4.6" \
  "onnxruntime==1.32.0" \
  "tokenizers==0.23.3"
echo "peers ready: $(pwd)/.venv-peers"
