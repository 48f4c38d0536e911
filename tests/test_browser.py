"""End to end in a real browser: Playwright driving Debian's Chromium against `opnote-check serve`.

CI installs Chromium (.ci/run); elsewhere the test is skipped when no Chromium is installed.
A screenshot of the result page is saved to artifacts/scribe-page.png.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"
DEMO = (ROOT / "fixtures" / "notes" / "demo-tlif.txt").read_text(encoding="utf-8")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]

if not CHROMIUM and not os.environ.get("CI"):
    pytest.skip("Chromium is not installed here (CI installs it: apt-get install chromium)", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "opnote_check.cli", "serve", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url + "/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("the server did not start: " + proc.stderr.read().decode()[-500:])
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert CHROMIUM, "CI must install Chromium"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def test_scribe_checks_a_note(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    external = []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(server) else None)
    page.goto(server + "/")
    page.fill("#note", DEMO)
    page.fill("#lines", "22630 22632 63052 63053-51")
    page.click("#check")
    page.wait_for_selector("#result:not([hidden]) #levels tbody tr")
    # spans highlighted by kind
    assert page.locator("#highlighted mark.technique").count() >= 5
    assert page.locator("#highlighted mark.level").count() >= 5
    assert page.locator("#highlighted mark.technique.hypothetical, #highlighted mark.hypothetical").count() >= 1
    # the per-interspace table with a missing cell marked
    rows = page.locator("#levels tbody tr")
    assert rows.count() == 2 and rows.nth(1).locator("td").first.inner_text() == "L5-S1"
    assert rows.nth(1).locator("td.missing").count() >= 1
    # one verdict per level, in words: L5-S1 reads as a query, never as a bare "yes" beside an error
    assert rows.nth(0).locator("td.verdict").inner_text() == "documented"
    assert rows.nth(1).locator("td.verdict").inner_text().startswith("needs query: no technique named")
    assert "yes" not in page.inner_text("#levels")
    assert "$204.75 at risk" in page.inner_text("#summary")  # one 63053-51 line: counted once
    # a gap with its fix, linked to its evidence
    gap = page.locator(".gap", has_text="TECHNIQUE_NOT_NAMED")
    assert "Please document the decompression technique(s) performed at L5-S1." in gap.inner_text()
    link = gap.locator(".ev a").first
    target = link.get_attribute("data-target")
    link.click()
    page.wait_for_selector(f'#highlighted [data-s~="{target}"].flash')
    assert "63052 x1, 63053 x1 (as written: 63052 x1)" in page.inner_text("#supported")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "scribe-page.png"), full_page=True)
    assert external == []  # nothing fetched from outside
    page.close()


def test_script_in_a_note_stays_text(server, browser):
    page = browser.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server + "/")
    note = "Left TLIF L4-5. <script>alert(1)</script> <img src=x onerror=alert(2)> A left L4-5 laminotomy."
    page.fill("#note", note)
    page.press("#note", "Control+Enter")
    page.wait_for_selector("#result:not([hidden])")
    page.wait_for_timeout(300)
    assert dialogs == []
    assert "<script>alert(1)</script>" in page.inner_text("#highlighted")
    assert page.locator("#highlighted img, #highlighted script").count() == 0
    page.close()


def test_narrow_window(server, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(server + "/")
    page.fill("#note", DEMO)
    page.click("#check")
    page.wait_for_selector("#result:not([hidden])")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    page.close()
