"""The stamp every published benchmark result carries: which code and which release.

    from stamp import stamp
    results |= stamp(release=default_release(), split="test", dataset="demo eval.jsonl")

``git_commit`` is the checkout's HEAD and ``git_dirty`` whether tracked files differed
from it (results measured on uncommitted code say so); ``release_digest`` identifies the
release config's exact content (``ReleaseConfig.digest``), so a test can tell when the
product ships a release other than the one the numbers were measured with.
"""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from frontdesk.releases.config import ReleaseConfig

ROOT = Path(__file__).resolve().parent.parent
# Result files are rewritten by the run itself: they never make a checkout "dirty".
_IGNORED = ("bench/results/",)


def _git(*args: str, cwd: Path = ROOT) -> str | None:
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=30, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.rstrip()  # not lstrip: status lines start with a space (" M path")


def git_state(cwd: Path = ROOT) -> tuple[str | None, bool | None]:
    """HEAD's commit and whether tracked files (results aside) differ from it."""
    commit = _git("rev-parse", "HEAD", cwd=cwd)
    status = _git("status", "--porcelain", "--untracked-files=no", cwd=cwd)
    if status is None:
        return commit, None
    changed = [line[3:] for line in status.splitlines() if line.strip()]
    return commit, any(not path.startswith(_IGNORED) for path in changed)


def stamp(
    release: ReleaseConfig | None = None,
    *,
    split: str | None = None,
    dataset: str | None = None,
    cwd: Path = ROOT,
) -> dict[str, Any]:
    """``git_commit``, ``git_dirty``, ``release_id``, ``release_digest``, ``split``,
    ``dataset`` and ``measured_at`` (UTC), to merge into a result's top level."""
    commit, dirty = git_state(cwd)
    return {
        "git_commit": commit,
        "git_dirty": dirty,
        "release_id": None if release is None else release.id,
        "release_digest": None if release is None else release.digest,
        "split": split,
        "dataset": dataset,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def describe(result: dict[str, Any]) -> str:
    """One line for bench/RESULTS.md: the stamp of a result file."""
    commit = result.get("git_commit") or "unknown"
    dirty = " (uncommitted changes)" if result.get("git_dirty") else ""
    parts = [f"commit `{commit[:12]}`{dirty}"]
    if result.get("release_digest"):
        parts.append(f"release `{result.get('release_id')}` digest `{result['release_digest']}`")
    if result.get("split"):
        parts.append(f"split `{result['split']}`")
    return "Stamp: " + ", ".join(parts) + "."
