"""Dependency audit, report-only: pip-audit over the installed environment (the .venv
that `make install` built: Frontdesk's dependencies and the dev tools).

    .venv/bin/python scripts/audit_deps.py [--json PATH]

Tries the OSV advisory service, then PyPI's. A service that cannot be reached (no
network, or a package index that serves downloads but not PyPI's JSON API) audits
nothing: pip-audit then still says "No known vulnerabilities found", so this script
counts what was really audited and says plainly when nothing was. It always exits 0: CI
prints the report and is not failed by a network it does not control; a vulnerability
found is printed as VULNERABLE for a person to act on.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

PIP_AUDIT = str(Path(sys.executable).parent / "pip-audit")
SERVICES = ("osv", "pypi")


def audit(service: str) -> tuple[dict[str, Any] | None, str]:
    """pip-audit's JSON report from one advisory service, or None and why not."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "audit.json"
        try:
            done = subprocess.run(
                [
                    PIP_AUDIT,
                    "--local",
                    "--skip-editable",  # Frontdesk itself
                    "--vulnerability-service",
                    service,
                    "--progress-spinner",
                    "off",
                    "--timeout",
                    "20",
                    "--format",
                    "json",
                    "--output",
                    str(out),
                ],
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return None, type(exc).__name__
        if not out.exists():
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            return None, last[:200]
        return json.loads(out.read_text()), ""


def main() -> None:
    parser = argparse.ArgumentParser(description="Report-only dependency audit (pip-audit).")
    parser.add_argument("--json", type=Path, help="Also write the summary here.")
    args = parser.parse_args()
    summary: dict[str, Any] = {"audited": 0, "vulnerable": [], "service": None, "tried": {}}
    for service in SERVICES:
        report, error = audit(service)
        if report is None:
            summary["tried"][service] = f"unreachable: {error}"
            continue
        dependencies = report.get("dependencies", [])
        audited = [d for d in dependencies if not d.get("skip_reason")]
        summary["tried"][service] = f"audited {len(audited)} of {len(dependencies)} packages"
        if not audited:
            continue  # every lookup failed: this service is not reachable from here
        summary |= {
            "service": service,
            "audited": len(audited),
            "packages": len(dependencies),
            "vulnerable": [
                {
                    "name": d["name"],
                    "version": d["version"],
                    "ids": [v["id"] for v in d["vulns"]],
                    "fix_versions": sorted({f for v in d["vulns"] for f in v["fix_versions"]}),
                }
                for d in audited
                if d.get("vulns")
            ],
        }
        break
    print("dependency audit (pip-audit, report-only):")
    for service, outcome in summary["tried"].items():
        print(f"  {service}: {outcome}")
    if summary["service"] is None:
        print("  NOT AUDITED: no advisory service answered from this machine")
    elif summary["vulnerable"]:
        for item in summary["vulnerable"]:
            print(
                f"  VULNERABLE {item['name']} {item['version']}: {', '.join(item['ids'])} "
                f"(fixed in {', '.join(item['fix_versions']) or 'no release yet'})"
            )
    else:
        print(f"  no known vulnerabilities in {summary['audited']} packages")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(summary, indent=2) + "\n")


if __name__ == "__main__":
    main()
