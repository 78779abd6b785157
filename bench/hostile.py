"""Hostile-document suite: poisoned articles in Markdown, HTML and PDF, asked about
through the real pipeline of the default release.

    .venv/bin/python bench/hostile.py

Prints, per attack type and format, how many chunks were ingested, quarantined, how much
hidden text was stripped and how many hostile strings were relayed to the customer; writes
the rows with the git commit and the release digest to bench/results/hostile.json.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from frontdesk.runtime import Frontdesk  # noqa: E402
from frontdesk.settings import Settings  # noqa: E402
from frontdesk.testing.hostile import run_suite  # noqa: E402

SUITE = ROOT / "tests" / "data" / "hostile"
OUT = ROOT / "bench" / "results" / "hostile.json"


def git_commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    return done.stdout.strip() or "unknown"


def main() -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(_env_file=None, env="test", data_dir=Path(data_dir))
        frontdesk = Frontdesk(settings)
        try:
            frontdesk.init()
            frontdesk.warm_up()
            tenant = frontdesk.tenants.create_tenant("hostile")
            result = run_suite(frontdesk, tenant.id, SUITE)
            release = {"id": frontdesk.release.id, "digest": frontdesk.release.digest}
        finally:
            frontdesk.close()
    header = f"{'attack':<20} {'format':<6} {'ingested':>8} {'quarantined':>11} "
    header += f"{'stripped':>8} {'relayed':>7}  output guard"
    print(header)
    for case in result.cases:
        print(
            f"{case.attack:<20} {case.format:<6} {case.chunks:>8} {case.quarantined:>11} "
            f"{case.stripped:>8} {len(case.relayed):>7}  {','.join(case.guard_flags) or '-'}"
        )
    legit = sum(item.answered for item in result.legit)
    print(f"\nrelayed hostile strings: {result.relayed}; legitimate questions answered: "
          f"{legit}/{len(result.legit)}; quarantined chunks: {len(result.quarantine)}")  # fmt: skip
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps(
            {
                "git_commit": git_commit(),
                "release": release["id"],
                "digest": release["digest"],
                "relayed": result.relayed,
                "legit_answered": legit,
                "legit_total": len(result.legit),
                "cases": [case.to_dict() for case in result.cases],
            },
            indent=1,
            ensure_ascii=False,
        )
        + "\n"
    )
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
