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


SHORT = "PROCEDURES: Left TLIF L4-L5.\nA left L4-L5 laminotomy was made; the L5 root was compressed by thick flavum."


def new_page(browser, server, **kwargs):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"], viewport=kwargs.pop("viewport", {"width": 1280, "height": 720}))
    page = context.new_page()
    external = []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(server) else None)
    page.goto(server + "/")
    return page, external


def test_the_page_checks_as_the_scribe_types(server, browser):
    page, external = new_page(browser, server)
    page.fill("#lines", "22630 22632 63052 63053-51")
    page.locator("#note").press_sequentially(SHORT, delay=5)  # typed, never a click on Check
    page.wait_for_selector("#state[data-state=fresh]")
    level = page.locator(".checklist .level").first
    assert "L4-L5" in level.locator("h3").inner_text()
    assert level.locator("li.ok", has_text="Technique: laminotomy").count() == 1
    # an edit marks the shown result out of date at once, then replaces it
    page.fill("#note", DEMO)
    assert page.get_attribute("#state", "data-state") in ("stale", "checking")
    assert "stale" in page.get_attribute("#result", "class")
    page.wait_for_selector("#state[data-state=fresh]")
    assert "stale" not in page.get_attribute("#result", "class")
    levels = page.locator(".checklist .level")
    assert levels.count() == 2
    l5 = levels.nth(1)
    assert l5.locator("h3").inner_text().startswith("L5-S1") and "needs query: no technique named" in l5.inner_text()
    assert l5.locator("li.missing", has_text="Technique").count() == 1 and l5.locator("li.missing", has_text="Intraoperative finding").count() == 1
    assert levels.nth(0).locator("li.missing").count() == 0
    # what the file report shows: dollars per gap and per billed line, the note with highlights
    assert "$204.75 at risk" in page.inner_text("#summary")
    assert "63053-51 $204.75 ($204.75 at risk)" in page.inner_text("#claim")
    assert "63052 x1, 63053 x1 (as written: 63052 x1)" in page.inner_text("#claim")
    assert page.locator(".gap", has_text="MODIFIER_51_ON_ADDON").locator("text=at risk").count() >= 1
    assert page.locator("#highlighted mark.technique").count() >= 5
    assert page.locator("#highlighted mark.hypothetical, #highlighted mark.technique.hypothetical").count() >= 1
    # a query to the surgeon, copied with one click; all queries as one block
    query = l5.locator(".query p").inner_text()
    assert query.startswith("At L5-S1, please document the decompression technique performed")
    l5.locator("button.copy").click()
    assert page.evaluate("navigator.clipboard.readText()") == query
    page.click("button.copy[data-copy=all-queries]")
    block = page.evaluate("navigator.clipboard.readText()")
    assert block.startswith("Documentation query") and query in block
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / "scribe-page.png"))  # docs/scribe-page.png is a copy
    # an evidence link flashes its span
    link = page.locator(".gap", has_text="TECHNIQUE_NOT_NAMED").locator(".ev a").first
    target = link.get_attribute("data-target")
    link.click()
    page.wait_for_selector(f'#highlighted [data-s~="{target}"].flash')
    assert external == []  # nothing fetched from outside
    page.context.close()


def test_a_failed_check_leaves_no_result(server, browser):
    page, _ = new_page(browser, server)
    page.fill("#note", SHORT)
    page.wait_for_selector("#state[data-state=fresh]")
    page.route("**/api/check", lambda route: route.abort())
    page.locator("#note").press_sequentially(" More.", delay=5)
    page.wait_for_selector("#state[data-state=failed]")
    assert page.locator("#result").is_hidden() and page.inner_html("#result") == ""
    page.context.close()


def test_a_dropped_docx_is_read_and_checked(server, browser):
    import base64

    from notefiles import docx_bytes

    page, _ = new_page(browser, server)
    data = base64.b64encode(docx_bytes(SHORT)).decode()
    page.evaluate(
        """([b64, name]) => {
            const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
            const dt = new DataTransfer();
            dt.items.add(new File([bytes], name));
            document.getElementById("note").dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
        }""",
        [data, "op.docx"],
    )
    page.wait_for_selector("#state[data-state=fresh]")
    assert page.input_value("#note").startswith("PROCEDURES: Left TLIF L4-L5.")
    assert "L4-L5" in page.inner_text(".checklist")
    page.context.close()


def test_keyboard_only(server, browser):
    page, _ = new_page(browser, server)
    page.focus("#note")
    page.keyboard.insert_text(DEMO)
    page.keyboard.press("Control+Enter")  # check at once, no wait
    page.wait_for_selector("#state[data-state=fresh]")
    # Tab reaches the lines box, the buttons and then every Copy button of the result
    seen = []
    for _ in range(12):
        page.keyboard.press("Tab")
        seen.append(page.evaluate("document.activeElement.id || document.activeElement.className"))
    assert "lines" in seen and "check" in seen and "copy" in seen
    page.context.close()


def test_script_in_a_note_stays_text(server, browser):
    page, _ = new_page(browser, server)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    note = "Left TLIF L4-5. <script>alert(1)</script> <img src=x onerror=alert(2)> A left L4-5 laminotomy."
    page.fill("#note", note)
    page.wait_for_selector("#state[data-state=fresh]")
    page.wait_for_timeout(300)
    assert dialogs == []
    assert "<script>alert(1)</script>" in page.inner_text("#highlighted")
    assert page.locator("#result img, #result script").count() == 0
    page.context.close()


def test_narrow_window(server, browser):
    page, _ = new_page(browser, server, viewport={"width": 390, "height": 844})
    page.fill("#note", DEMO)
    page.wait_for_selector("#state[data-state=fresh]")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    page.context.close()


def test_batch_report_sorts_and_filters(browser, tmp_path):
    from opnote_check.batch import run_batch

    notes = tmp_path / "notes"
    notes.mkdir()
    texts = sorted((ROOT / "fixtures" / "notes").glob("h[g-k]-*.txt"))[:24]
    claims = []
    for path in texts:
        (notes / path.name).write_bytes(path.read_bytes())
        claim = path.with_suffix("").with_suffix(".claim.json")
        if claim.exists():
            claims.append(claim.read_text(encoding="utf-8"))
    (tmp_path / "claims.json").write_text("[" + ",".join(claims) + "]", encoding="utf-8")
    out = tmp_path / "out"
    run_batch(notes, tmp_path / "claims.json", out, workers=1)
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto((out / "report.html").as_uri())
    rows = page.locator("#cases tbody tr")
    total = rows.count()
    assert total == len(texts)
    amounts = [float(v) for v in page.eval_on_selector_all("#cases tbody tr", "rs => rs.map(r => r.dataset.amount)")]
    assert amounts == sorted(amounts, reverse=True)  # most at risk first
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1  # fits 1280 px
    # filter by a rule that some but not all cases have
    rule = page.eval_on_selector("#f-rule option:nth-child(2)", "o => o.value")
    page.select_option("#f-rule", rule)
    shown = page.locator("#cases tbody tr:not([hidden])")
    assert 0 < shown.count() < total
    assert all(rule in r.get_attribute("data-rules").split() for r in shown.all())
    assert page.inner_text("#shown").startswith(f"{shown.count()} of {total}")
    page.select_option("#f-rule", "")
    page.fill("#f-amount", "1")
    assert all(float(r.get_attribute("data-amount")) >= 1 for r in page.locator("#cases tbody tr:not([hidden])").all())
    page.fill("#f-amount", "")
    # sort by case id, then back
    page.click("#cases th:has-text('Case')")
    ids = page.eval_on_selector_all("#cases tbody tr", "rs => rs.map(r => r.dataset.case.toLowerCase())")
    assert ids == sorted(ids, reverse=True)
    page.click("#cases th:has-text('Case')")
    ids = page.eval_on_selector_all("#cases tbody tr", "rs => rs.map(r => r.dataset.case.toLowerCase())")
    assert ids == sorted(ids)
    # each case links to its page and the page links back
    first = page.locator("#cases tbody tr a").first
    first.click()
    page.wait_for_selector("a.back")
    page.click("a.back")
    page.wait_for_selector("#cases")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "batch-report.png"))  # docs/batch-report.png is a copy
    page.close()


def test_api_docs_render_the_operations(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + "/docs")
    page.wait_for_selector(".opblock-summary-path")
    paths = page.eval_on_selector_all(".opblock-summary-path", "els => els.map(e => e.textContent.trim())")
    assert {"/api/check", "/api/note", "/api/rules", "/healthz"} <= set(p.replace("\u200b", "") for p in paths)
    assert "Unable to render" not in page.inner_text("body") and errors == []
    page.click(".opblock-summary-path:has-text('/api/check')")
    page.wait_for_selector("text=CheckResponse")
    page.close()
