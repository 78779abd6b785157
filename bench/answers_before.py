"""Serve an older Frontdesk checkout with its own code, for ``bench/answers.py --before``.

    PYTHONPATH=OLD_CHECKOUT python bench/answers_before.py HELPCENTER... --port P --chunks OUT

Runs under the OLD code (``PYTHONPATH`` puts its ``frontdesk`` first), so it only uses what
every version has had: ``Frontdesk``, ``Settings``, ``create_app(instance=...)``, tenants,
keys and ``knowledge.ingest_paths``. It loads each help center into a tenant of its own in
a temp SQLite database with the checkout's default release, writes
``{"frontdesk": path, "tenants": {name: {"key", "chunks": {chunk id: document uri}}}}`` to
``--chunks``, prints ``READY`` and serves on 127.0.0.1 until killed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import uvicorn

import frontdesk
from frontdesk import Frontdesk, Settings
from frontdesk.api.app import create_app
from frontdesk.storage.repos import knowledge as knowledge_repo

SOURCES = ("articles", "faq.csv", "tickets.jsonl")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("helpcenters", nargs="+", type=Path)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--chunks", type=Path, required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fd-before-") as tmp:
        fd = Frontdesk(
            Settings(
                _env_file=None,
                data_dir=Path(tmp),
                database_url=f"sqlite:///{tmp}/fd.db",
                secret_key="bench-secret-0123456789",
                rate_limit_per_minute=0,
                max_message_chars=20000,
            )
        )
        fd.init()
        tenants = {}
        for folder in args.helpcenters:
            name = folder.resolve().name
            tenant = fd.tenants.create_tenant(name)
            fd.knowledge.ingest_paths(
                tenant.id, [folder / s for s in SOURCES if (folder / s).exists()]
            )
            key, _ = fd.tenants.issue_key(name, "agent")  # the whole trace and flags
            uris = {d.id: d.uri for d in fd.knowledge.list_documents(tenant.id)}
            model = fd.resources.embedder().model_id
            with fd.database.transaction() as session:
                chunks = knowledge_repo.all_chunks(session, tenant.id, model)
            tenants[name] = {"key": key, "chunks": {c.id: uris[c.document_id] for c in chunks}}
        payload = {"frontdesk": str(Path(frontdesk.__file__).parent), "tenants": tenants}
        args.chunks.write_text(json.dumps(payload), encoding="utf-8")
        print("READY", flush=True)
        uvicorn.run(create_app(instance=fd), host="127.0.0.1", port=args.port, log_level="warning")
    sys.exit(0)


if __name__ == "__main__":
    main()
