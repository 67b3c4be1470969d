"""Headless Chromium for the browser tests: Debian's /usr/bin/chromium driven by Playwright."""

import os
import tempfile
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps calling home, which this network refuses.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path(
    os.environ.get("SERVICELEAD_SCREENSHOTS", Path(tempfile.gettempdir()) / "servicelead-screenshots")
)
