"""The HTML explain page, rendered by a real headless Chromium: removed lines are highlighted."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cleaner.cli import app
from cleaner.explain import rule_colour

from .conftest import FIXTURES

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
pytestmark = pytest.mark.skipif(BROWSER is None, reason="no Chromium installed (Debian: apt-get install chromium)")

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def browse(page: Path, tmp_path: Path, *extra: str) -> str:
    done = subprocess.run(
        [BROWSER, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *extra, page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_seed_page_shows_removed_lines_highlighted(tmp_path: Path) -> None:
    seed = FIXTURES / "seeds" / "003_84a234db16deef6e.txt"
    page = tmp_path / "explain.html"
    result = CliRunner().invoke(app, ["explain", str(seed), "--format", "html", "-o", str(page)])
    assert result.exit_code == 0, result.output
    dom = browse(page, tmp_path, "--dump-dom")
    # the page's own script ran in the browser and counted the highlighted lines
    assert 'data-removed-lines="31"' in dom
    removed = re.findall(r'<div class="line removed" data-rule="([^"]+)">', dom)
    assert removed.count("zh-title-echo") == 3
    assert removed.count("zh-byline-timestamp") == 1
    assert removed.count("zh-recommend-tail") == 27  # raw lines 41-67
    assert f'background: {rule_colour("zh-title-echo")}' in dom
    shot = tmp_path / "shot.png"
    browse(page, tmp_path, f"--screenshot={shot}", "--window-size=1200,900")
    assert shot.stat().st_size > 10_000
