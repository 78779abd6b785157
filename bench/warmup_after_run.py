"""Warm-up after ``make run``: how long ``frontdesk demo`` takes, and how long after
``frontdesk serve`` starts a German demo question is answered rather than handed off.

    PYTHONPATH=$PWD nice .venv/bin/python bench/warmup_after_run.py --data-dir /tmp/warm17/now \
        [--code PATH] [--label now] [--limit 300] [--port 8731]

Each run is what ``make run`` does on a fresh checkout, as separate processes over a fresh
data directory (embedded SQLite): ``frontdesk init``, ``frontdesk demo`` (timed), then
``frontdesk serve``; from the moment ``serve`` is started the German question is asked
over real HTTP once a second, each time in a new conversation, until a reply is
``answered``. ``--code`` runs another checkout's code (e.g. ``git archive HEAD | tar -x -C
/tmp/base``) through ``PYTHONPATH``, with this virtualenv.

Appends the run to bench/results/warmup_after_run.json and prints it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "results" / "warmup_after_run.json"
QUESTION = "Wie ändere ich meine Lieferadresse?"


def _env(code: Path, data_dir: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRONTDESK_")}
    env.update(
        PYTHONPATH=str(code),
        FRONTDESK_DATA_DIR=str(data_dir),
        FRONTDESK_PORT=str(port),
    )
    return env


def _frontdesk(code: Path, env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [str(Path(sys.executable).parent / "frontdesk"), *args],
        cwd=code,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def _ask(client: httpx.Client, base: str, key: str) -> dict[str, Any]:
    auth = {"Authorization": f"Bearer {key}"}
    conversation = client.post(f"{base}/v1/conversations", headers=auth).json()["id"]
    reply = client.post(
        f"{base}/v1/conversations/{conversation}/messages",
        headers=auth,
        json={"text": QUESTION},
    )
    reply.raise_for_status()
    body: dict[str, Any] = reply.json()
    return body


def run(code: Path, data_dir: Path, port: int, limit_s: float) -> dict[str, Any]:
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    env = _env(code, data_dir, port)
    started = time.monotonic()
    _frontdesk(code, env, "init")
    init_s = time.monotonic() - started
    started = time.monotonic()
    _frontdesk(code, env, "demo")
    demo_s = time.monotonic() - started
    key = _frontdesk(code, env, "keys", "create", "--tenant", "demo", "--role", "widget")
    key = key.strip().splitlines()[-1]
    base = f"http://127.0.0.1:{port}"
    log = (data_dir / "serve.log").open("w")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "frontdesk"), "serve", "--port", str(port)],
        cwd=code,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    start = time.monotonic()
    listening: float | None = None
    replies: list[dict[str, Any]] = []
    answered: float | None = None
    try:
        with httpx.Client(timeout=120) as client:
            while time.monotonic() - start < limit_s:
                asked = time.monotonic()
                try:
                    body = _ask(client, base, key)
                except httpx.TransportError:
                    time.sleep(0.5)
                    continue
                if listening is None:
                    listening = asked - start
                flags = [f for stage in body.get("trace", []) for f in stage.get("flags", [])]
                replies.append(
                    {
                        "at_s": round(time.monotonic() - start, 1),
                        "outcome": body["outcome"],
                        "warming": "multilingual_warming" in flags,
                        "text": body["text"][:80],
                    }
                )
                if body["outcome"] == "answered":
                    answered = time.monotonic() - start
                    break
                time.sleep(max(0.0, 1.0 - (time.monotonic() - asked)))
    finally:
        server.terminate()
        server.wait(30)
        log.close()
    return {
        "init_s": round(init_s, 1),
        "demo_s": round(demo_s, 1),
        "first_reply_s": None if listening is None else round(listening, 1),
        "answered_s": None if answered is None else round(answered, 1),
        "replies_before": len(replies) - (answered is not None),
        "handoffs_warming": sum(r["warming"] for r in replies),
        "replies": replies,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--code", type=Path, default=ROOT)
    parser.add_argument("--label", default="now")
    parser.add_argument("--port", type=int, default=8731)
    parser.add_argument("--limit", type=float, default=300.0)
    args = parser.parse_args()
    load = os.getloadavg()
    result = run(args.code.resolve(), args.data_dir.resolve(), args.port, args.limit)
    result = {
        "label": args.label,
        "code": str(args.code),
        "load_before": [round(x, 1) for x in load],
        "load_after": [round(x, 1) for x in os.getloadavg()],
        "measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        **result,
    }
    runs = json.loads(OUT.read_text()) if OUT.exists() else []
    OUT.write_text(json.dumps([*runs, result], indent=1, ensure_ascii=False) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "replies"}, indent=1))


if __name__ == "__main__":
    main()
