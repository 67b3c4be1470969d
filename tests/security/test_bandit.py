"""bandit on the project code reports nothing of medium or high severity; an accepted finding carries
``# nosec BXXX`` on its line, next to the reason (configuration: [tool.bandit] in pyproject.toml)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
PACKAGES = ("jobs", "competencies", "teams", "operations", "qualification", "servicelead", "scripts")


def test_bandit_finds_no_medium_or_high_issue():
    done = subprocess.run(  # noqa: S603 - the test's own interpreter and project
        [sys.executable, "-m", "bandit", "-c", "pyproject.toml", "-r", *PACKAGES, "-ll", "-f", "json", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(done.stdout)
    findings = [
        f"{result['filename']}:{result['line_number']} {result['test_id']} {result['issue_text']}"
        for result in report["results"]
    ]
    assert findings == []
    assert report["errors"] == []
    assert report["metrics"]["_totals"]["loc"] > 10_000  # it did read the project
    assert done.returncode == 0, done.stderr
