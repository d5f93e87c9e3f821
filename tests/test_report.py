"""Session and cohort pages: content, self-containment, and rendering in a real headless browser."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from pipeline.annotate import AnnotateConfig, annotate
from pipeline.report import cohort_page, session_page
from pipeline.summarise import summarise
from tests.conftest import KeywordClassifier
from tests.test_summarise import REPAIRED, UNADDRESSED, make_session

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
EPISODE_BOX = (248, 216, 216)  # unaddressed-episode shading over a white lane
WITHDRAWAL_DOT = (65, 133, 191)  # withdrawal marker dot (85% opacity) over a white lane


def assert_self_contained(page: str) -> None:
    """No request can leave the page: no scripts, stylesheets, images, fonts or absolute links."""
    assert not re.search(r"<(script|link|img|iframe|object|embed)\b", page, re.I)
    assert not re.search(r"\bsrc\s*=|@import|url\(", page, re.I)
    for href in re.findall(r'href="([^"]*)"', page):
        assert "//" not in href and not href.startswith("/"), href


def test_session_page_lists_episodes_with_highlighted_excerpts():
    session = make_session(REPAIRED)
    page = session_page(session, summarise(session))
    assert "Episode 1: confrontation" in page and 'class="status resolved"' in page
    assert '<tr class="marker">' in page and "strategy" in page
    assert "Talking about my childhood is pointless" in page
    assert 'class="timeline"' in page and 'class="mark confrontation"' in page
    assert "Validates the defensive posture" in page and "first strategy after 10 s" in page
    assert_self_contained(page)


def test_unaddressed_episode_shows_contributions_and_status():
    session = make_session(UNADDRESSED)
    page = session_page(session, summarise(session))
    assert 'class="status unaddressed"' in page and "Lectures or persuades" in page
    assert 'class="episode unaddressed"' in page


def test_no_text_page_withholds_text():
    session = make_session(REPAIRED)
    page = session_page(session, summarise(session), no_text=True)
    assert "childhood" not in page and "[text withheld]" in page


def test_session_without_rupture_says_so():
    session = make_session([(0, "T", "Hello there.", []), (5, "P", "Hi, thanks for seeing me.", [])])
    assert "No rupture marker was found" in session_page(session, summarise(session))


def test_cohort_page_plots_and_links():
    frame = pd.DataFrame(
        [
            {
                "session_id": f"s{i}",
                "n_episodes": i,
                "n_addressed": i // 2,
                "n_resolved": i // 3,
                "n_utterances": 50,
                "withdrawal_per_10_min": i * 0.5,
                "confrontation_per_10_min": 1.0,
                "meta_mi_quality": "high" if i % 2 else "low",
                "duration_min": 10.0,
            }
            for i in range(6)
        ]
    )
    page = cohort_page(frame)
    assert page.count("<svg") >= 3 and "By group" in page and 'href="reports/s3.html"' in page
    assert_self_contained(page)
    assert "No session" in cohort_page(frame.iloc[0:0])


def _browser() -> str:
    for name in BROWSERS:
        if shutil.which(name):
            return shutil.which(name)
    reason = "no headless Chromium found (apt-get install chromium); the browser check did not run"
    if os.environ.get("RUPTURE_REQUIRE_BROWSER"):
        pytest.fail(reason)
    pytest.skip(reason)


def _count_near(path: Path, color: tuple[int, int, int], tol: int) -> int:
    from PIL import Image

    im = Image.open(path).convert("RGB")
    data = im.get_flattened_data() if hasattr(im, "get_flattened_data") else im.getdata()
    return sum(all(abs(a - b) <= tol for a, b in zip(p, color, strict=True)) for p in data)


@pytest.mark.browser
def test_report_opens_in_headless_chromium_with_its_plot_visible(transcripts_dir, tmp_path):
    browser = _browser()
    out = tmp_path / "out"
    annotate([str(transcripts_dir)], AnnotateConfig(out, progress=False), KeywordClassifier())
    report = out / "reports" / "ruptured.html"
    assert_self_contained(report.read_text())
    flags = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--window-size=1100,900",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    dom = subprocess.run([*flags, "--dump-dom", report.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="timeline"' in dom.stdout
    assert dom.stdout.count('class="mark withdrawal"') == 2
    shot = tmp_path / "shot.png"
    run = subprocess.run(
        [*flags, f"--screenshot={shot}", report.as_uri()], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0 and shot.exists(), run.stderr[-2000:]
    # the plot is painted in the first screen: episode shading and marker dots are on the screenshot
    assert _count_near(shot, EPISODE_BOX, 3) > 200
    assert _count_near(shot, WITHDRAWAL_DOT, 8) > 20
    cohort = subprocess.run(
        [*flags, "--dump-dom", (out / "cohort.html").as_uri()], capture_output=True, text=True, timeout=120
    )
    assert "Cohort: 3 sessions" in cohort.stdout and cohort.stdout.count("<svg") >= 2


@pytest.mark.slow
@pytest.mark.browser
def test_annomi_report_opens_in_headless_chromium(annomi_csv, tmp_path):
    browser = _browser()
    out = tmp_path / "out"
    annotate(
        [str(annomi_csv)],
        AnnotateConfig(out, progress=False, formats=frozenset({"reports", "csv"}), identifiers="redact"),
        KeywordClassifier(),
    )
    cohort = pd.read_csv(out / "cohort.csv")
    sid = cohort.sort_values("n_episodes").iloc[-1]["session_id"]
    report = out / "reports" / f"{sid}.html"
    assert_self_contained(report.read_text())
    shot = tmp_path / "shot.png"
    flags = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1100,900",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    run = subprocess.run(
        [*flags, f"--screenshot={shot}", report.as_uri()], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0 and shot.exists(), run.stderr[-2000:]
    assert _count_near(shot, EPISODE_BOX, 3) > 200
    assert _count_near(shot, WITHDRAWAL_DOT, 8) > 20
