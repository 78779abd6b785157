"""The published answer numbers were measured with the release the product ships."""

from __future__ import annotations

import json
from pathlib import Path

from frontdesk.releases.config import default_release

ROOT = Path(__file__).resolve().parent.parent
ANSWERS = ROOT / "bench" / "results" / "answers.json"


def test_published_answer_results_were_measured_with_the_shipped_release() -> None:
    published = json.loads(ANSWERS.read_text(encoding="utf-8"))
    shipped = default_release()
    assert published.get("git_commit"), f"{ANSWERS} is not stamped: rerun bench/answers.py"
    assert published.get("release_digest") == shipped.digest, (
        f"bench/results/answers.json was measured with release digest "
        f"{published.get('release_digest')}, but the product ships {shipped.id} "
        f"v{shipped.version} with digest {shipped.digest}: rerun "
        f"`.venv/bin/python bench/answers.py` and update bench/RESULTS.md"
    )
    assert published["releases"][shipped.id]["digest"] == shipped.digest


def test_results_md_states_the_stamp_of_the_answer_results() -> None:
    published = json.loads(ANSWERS.read_text(encoding="utf-8"))
    results_md = (ROOT / "bench" / "RESULTS.md").read_text(encoding="utf-8")
    assert f"digest `{published['release_digest']}`" in results_md, (
        "bench/RESULTS.md does not state the release digest of bench/results/answers.json: "
        "paste the stamp line bench/answers.py prints into its Answers section"
    )
