"""Runs checkov offline over the given directories and prints a short JSON report.

`.venv-deploy/bin/python infra/deploy/checkov_report.py DIR [DIR ...]`: `failed` lists every
failed check; `unexplained_skips` every skip without a reason (`#checkov:skip=ID:reason`).
Exits 1 when either is non-empty. --skip-download keeps checkov off its remote guideline service.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def main() -> int:
    checkov = Path(sys.executable).with_name("checkov")
    args = [str(checkov), "--skip-download", "--compact", "-o", "json"]
    for d in sys.argv[1:]:
        args += ["-d", d]
    proc = subprocess.run(args, capture_output=True, text=True, check=False)
    try:
        runs = json.loads(proc.stdout)
    except json.JSONDecodeError:
        print(json.dumps({"error": proc.stderr[-2000:] or proc.stdout[-2000:]}))
        return 1
    runs = runs if isinstance(runs, list) else [runs]
    report: dict = {"passed": 0, "failed": [], "skipped": [], "unexplained_skips": []}
    for run in runs:
        results = run.get("results", {})
        report["passed"] += run.get("summary", {}).get("passed", 0)
        for f in results.get("failed_checks", []):
            report["failed"].append(f"{f['check_id']} {f['resource']} {f['file_path']}:{f['file_line_range'][0]}")
        for s in results.get("skipped_checks", []):
            reason = (s.get("check_result", {}).get("suppress_comment") or "").strip()
            line = f"{s['check_id']} {s['resource']} {s['file_path']}: {reason}"
            report["skipped"].append(line)
            if not reason or reason == "No comment provided":
                report["unexplained_skips"].append(line)
    print(json.dumps(report, indent=2))
    return 1 if report["failed"] or report["unexplained_skips"] else 0


if __name__ == "__main__":
    sys.exit(main())
