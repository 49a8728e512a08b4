"""Open rendered pages in headless Chromium: hostile content runs no script and fetches nothing."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from localhttp import recording_server
from test_render import hostile_digest, sample_digest

from summarizer.digest.outputs import write_digest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (apt-get install -y chromium)"),
]
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--virtual-time-budget=3000",
]


def chromium(page: Path, profile: Path, *extra: str) -> str:
    """Run headless Chromium on a local file and return its stdout (the DOM with --dump-dom)."""
    cmd = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *extra, page.resolve().as_uri()]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=90, check=False)
    return done.stdout


@pytest.fixture
def beacon() -> Iterator[tuple[int, list[str]]]:
    """A local HTTP server on 127.0.0.1 that records hits: (port, hits)."""
    with recording_server() as recorded:
        yield recorded


def test_harness_detects_a_script_and_a_request(tmp_path: Path, beacon: tuple[int, list[str]]):
    """Control: a raw page with the same payloads DOES run the script and DOES hit the server."""
    port, hits = beacon
    page = tmp_path / "raw.html"
    page.write_text(
        "<html><body><script>document.documentElement.setAttribute('data-pwned','script')</script>"
        f"<img src=http://127.0.0.1:{port}/control></body></html>"
    )
    dom = chromium(page, tmp_path / "profile", "--dump-dom")
    assert 'data-pwned="script"' in dom
    assert "/control" in hits


def test_hostile_digest_runs_no_script_and_shows_payloads_as_text(tmp_path: Path, beacon: tuple[int, list[str]]):
    port, hits = beacon
    write_digest(hostile_digest(port), tmp_path / "out")
    dom = chromium(tmp_path / "out" / "index.html", tmp_path / "profile", "--dump-dom")
    assert "<main>" in dom, "chromium did not load the page"
    assert 'data-pwned="' not in dom
    assert "<title>No time to read? 2025-11-28</title>" in dom
    assert "&lt;script&gt;document.title='PWNED'" in dom
    assert "&lt;img src=x onerror=" in dom
    assert "<script" not in dom.lower() and "<img" not in dom.lower() and "<iframe" not in dom.lower()


def test_hostile_digest_sends_no_request(tmp_path: Path, beacon: tuple[int, list[str]]):
    port, hits = beacon
    write_digest(hostile_digest(port), tmp_path / "out")
    chromium(tmp_path / "out" / "index.html", tmp_path / "profile", "--dump-dom")
    assert hits == []


def test_sample_digest_screenshot(tmp_path: Path):
    """A realistic digest renders to a non-trivial picture (kept at /tmp/nttr-digest.png for a look)."""
    write_digest(sample_digest(), tmp_path / "out")
    shot = tmp_path / "digest.png"
    chromium(tmp_path / "out" / "index.html", tmp_path / "profile", "--window-size=900,1600", f"--screenshot={shot}")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    shutil.copy(shot, Path("/tmp/nttr-digest.png"))


@pytest.mark.parametrize("make", [sample_digest, hostile_digest])
def test_digest_in_a_narrow_window_has_no_horizontal_scroll(tmp_path: Path, make):
    write_digest(make(), tmp_path / "out")
    page = tmp_path / "out" / "index.html"
    probe = tmp_path / "out" / "probe.html"
    # Same page plus a probe script (the digest itself has none): record the scroll width in the DOM.
    probe.write_text(
        page.read_text().replace("default-src 'none'; ", "default-src 'none'; script-src 'unsafe-inline'; ")
        .replace("</body>", "<script>document.body.dataset.w=document.documentElement.scrollWidth"
                 "+'/'+window.innerWidth</script></body>")
    )
    dom = chromium(probe, tmp_path / "profile", "--window-size=360,800", "--dump-dom")
    width, viewport = dom.split('data-w="', 1)[1].split('"', 1)[0].split("/")
    assert int(width) <= int(viewport)


def test_email_html_part_shows_summaries_with_sources(tmp_path: Path):
    """The HTML part of a digest email, opened as a page: summaries with their sources (screenshot kept)."""
    from summarizer.service.mail import build_message
    from summarizer.models import Subscriber

    msg = build_message(sample_digest(), Subscriber(email="ann@example.org", name="Ann"), sender="nttr@example.org")
    page = tmp_path / "email.html"
    page.write_text(msg.get_body(("html",)).get_content(), encoding="utf-8")
    dom = chromium(page, tmp_path / "profile", "--dump-dom")
    assert "He urged the bloc to pursue open, constructive dialogue." in dom
    assert "The Astana Times: Tokayev on the peace formula</a>" in dom and "reported by 2 outlets" in dom
    assert "Unsubscribe button, or write to nttr@example.org with the subject" in dom
    shot = tmp_path / "email.png"
    chromium(page, tmp_path / "profile2", "--window-size=700,1400", f"--screenshot={shot}")
    assert shot.stat().st_size > 20_000
    shutil.copy(shot, Path("/tmp/nttr-email.png"))


def test_hostile_email_html_runs_no_script_and_sends_no_request(tmp_path: Path, beacon: tuple[int, list[str]]):
    from summarizer.service.mail import build_message
    from summarizer.models import Subscriber

    port, hits = beacon
    msg = build_message(hostile_digest(port), Subscriber(email="ann@example.org"), sender="nttr@example.org")
    page = tmp_path / "email.html"
    page.write_text(msg.get_body(("html",)).get_content(), encoding="utf-8")
    dom = chromium(page, tmp_path / "profile", "--dump-dom")
    assert "&lt;script&gt;document.title='PWNED'" in dom
    assert 'data-pwned="' not in dom and "<script" not in dom.lower()
    assert hits == []
