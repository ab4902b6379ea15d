"""The HTML explain page, rendered by a real headless Chromium: removed lines are highlighted."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cleaner.cli import app
from cleaner.explain import rule_colours

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
    assert '<html lang="zh">' in dom
    colours = rule_colours(["zh-byline-timestamp", "zh-recommend-tail", "zh-title-echo"])
    assert f'background: {colours["zh-title-echo"]}' in dom
    shot = tmp_path / "shot.png"
    browse(page, tmp_path, f"--screenshot={shot}", "--window-size=1200,900")
    assert shot.stat().st_size > 10_000


#: Appended to the page by the test only: measures the layout the browser produced.
PROBE = """<script>
const root = document.documentElement;
const fits = () => root.scrollWidth <= root.clientWidth;
document.body.dataset.fits = fits();
document.getElementById("toggle").click();
document.body.dataset.fitsHidden = fits();
const seen = [...document.querySelectorAll("#legend li")].map(li => getComputedStyle(li).backgroundColor);
document.body.dataset.legendColours = new Set(seen).size;
document.body.dataset.legendItems = seen.length;
</script>"""


def test_thirty_rules_get_distinct_colours_and_long_lines_wrap(tmp_path: Path) -> None:
    rules = tmp_path / "thirty.yaml"
    rules.write_text(
        "rules:\n" + "".join(f"  - {{id: rule-{i:02}, remove: line, match: '^R{i:02} '}}\n" for i in range(30)),
        encoding="utf-8",
    )
    url = "https://example.com/" + "a" * 3000
    paragraph = "The storm reached the coast on Monday, and the officials said that the roads were closed. " * 40
    lines = ["Storm hits coast", url, paragraph] + [f"R{i:02} chrome line {i}" for i in range(30)] + [url]
    doc = tmp_path / "page.txt"
    doc.write_text("\n".join(lines) + "\n", encoding="utf-8")
    page = tmp_path / "explain.html"
    result = CliRunner().invoke(app, ["explain", str(doc), "-r", str(rules), "-f", "html", "-o", str(page)])
    assert result.exit_code == 0, result.output
    page.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8")
    dom = browse(page, tmp_path, "--dump-dom", "--window-size=1000,800")
    assert '<html lang="en">' in dom
    assert 'data-fits="true"' in dom and 'data-fits-hidden="true"' in dom  # no horizontal scrolling, either way
    assert 'data-legend-items="30"' in dom and 'data-legend-colours="30"' in dom
