"""Class mode in a real browser: `doc-check serve` on a free loopback port, headless Chromium as the trainee,
one sample answered, the answer found in the class database."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from exercise_helpers import make_project

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER), reason="needs Debian chromium and chromium-driver (.ci/run installs them)"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(predicate, timeout: float, what: str, proc: subprocess.Popen | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"server exited while waiting for {what}: {proc.stderr.read()}")
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _answers(db: Path) -> list[tuple]:
    if not db.exists():
        return []
    con = sqlite3.connect(db)
    try:
        return con.execute(
            "SELECT a.participant, w.sample_id, w.verdict FROM answers w JOIN attempts a ON a.id = w.attempt_id"
        ).fetchall()
    except sqlite3.OperationalError:
        return []
    finally:
        con.close()


@pytest.fixture()
def server(tmp_path: Path):
    yield from _serve(make_project(tmp_path / "proj"), tmp_path)


@pytest.fixture()
def full_page_server(tmp_path: Path):
    """The served exercise's first sample is a whole TD3 data page at 300 dpi (1476 x 1039 px)."""
    from doc_check.specimen import render_reference
    from doc_check.specimen.sampleset import encode

    ex = make_project(tmp_path / "proj")
    page = render_reference("td3", 300)["front"]
    for channel, img in page.items():
        (tmp_path / "proj" / "samples" / "S1" / f"front_{channel}.png").write_bytes(encode(img, "png"))
    yield from _serve(ex, tmp_path)


def _serve(ex: Path, tmp_path: Path):
    db = tmp_path / "class.sqlite"
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "doc_check",
            "serve",
            "--exercise",
            str(ex),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--db",
            str(db),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        _wait(lambda: _port_open(port), 30, "the server's port", proc)
        yield f"http://127.0.0.1:{port}/", db
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the server and the trainee processes it started
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture()
def browser(tmp_path: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        "--window-size=1200,900",
    ):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    try:
        yield driver
    finally:
        driver.quit()


def test_trainee_answers_a_sample_in_the_browser(server, browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    url, db = server
    browser.get(url)
    # textual-serve marks the page once the trainee's process has sent its first screen; then wait until the
    # participant-code dialog (its blue frame) is really drawn, so no keystroke is sent before the app listens
    _wait(
        lambda: "-first-byte" in (browser.find_element(By.TAG_NAME, "body").get_attribute("class") or ""),
        30,
        "the trainee UI in the browser",
    )
    _wait(lambda: _dialog_drawn(browser.get_screenshot_as_png()), 30, "the participant-code dialog")
    browser.find_element(By.CSS_SELECTOR, ".xterm-screen").click()
    keys = browser.find_element(By.CSS_SELECTOR, "textarea.xterm-helper-textarea")
    keys.send_keys("W42")
    keys.send_keys(Keys.ENTER)
    # the participant code opens the served exercise: its first sample's attempt row appears
    _wait(lambda: any(a[0] == "W42" for a in _answers(db)) or _attempt_exists(db, "W42"), 30, "the attempt")
    _wait(lambda: not _dialog_drawn(browser.get_screenshot_as_png()), 30, "the examine screen")
    time.sleep(1.0)  # let the examine screen finish mounting (it focuses the document view)
    # focus the verdict buttons (document view -> form -> verdict) and choose the first verdict: genuine
    keys.send_keys(Keys.TAB)
    keys.send_keys(Keys.TAB)
    keys.send_keys(Keys.ENTER)
    rows = _wait(lambda: [a for a in _answers(db) if a[0] == "W42" and a[2] is not None], 30, "the answer")
    assert rows == [("W42", "S1", "genuine")]
    # closing the tab loses nothing: the answer is in the database already
    browser.get("about:blank")
    time.sleep(0.5)
    assert [a for a in _answers(db) if a[2] is not None] == [("W42", "S1", "genuine")]
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        # class mode never remembers a trainee as the database's default participant
        assert con.execute("SELECT value FROM settings WHERE key = 'participant'").fetchone() is None
    finally:
        con.close()


def _sign_in(browser, code: str, db: Path):
    """Open the served UI, give a participant code and wait for the examine screen; returns the key input."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    _wait(
        lambda: "-first-byte" in (browser.find_element(By.TAG_NAME, "body").get_attribute("class") or ""),
        30,
        "the trainee UI in the browser",
    )
    _wait(lambda: _dialog_drawn(browser.get_screenshot_as_png()), 30, "the participant-code dialog")
    browser.find_element(By.CSS_SELECTOR, ".xterm-screen").click()
    keys = browser.find_element(By.CSS_SELECTOR, "textarea.xterm-helper-textarea")
    keys.send_keys(code)
    keys.send_keys(Keys.ENTER)
    _wait(lambda: _attempt_exists(db, code), 30, "the attempt")
    _wait(lambda: not _dialog_drawn(browser.get_screenshot_as_png()), 30, "the examine screen")
    time.sleep(1.0)  # let the examine screen finish mounting (it focuses the document view)
    return keys


@pytest.mark.xfail(
    strict=False,
    reason="a delivery stalls now and then (about one run in three here): the tab reaches /download/ and the "
    "image never completes, and the app stops answering keys; suspected: Textual's web driver streams the "
    "delivery's chunks from a thread while the app writes its screen to the same stdout (docs/library.md)",
)
def test_trainee_opens_the_full_resolution_view_in_a_tab(full_page_server, browser) -> None:
    url, db = full_page_server
    browser.get(url)
    keys = _sign_in(browser, "W43", db)
    terminal = browser.execute_script(
        "const r = document.querySelector('.xterm-screen').getBoundingClientRect(); return [r.width, r.height];"
    )
    main = browser.current_window_handle
    start = time.perf_counter()
    keys.send_keys("f")
    _wait(lambda: len(browser.window_handles) > 1, 30, "the full-resolution tab")
    browser.switch_to.window(next(h for h in browser.window_handles if h != main))
    # a new tab starts as about:blank; wait for its navigation to the delivery before looking at its image
    _wait(lambda: "/download/" in browser.current_url, 30, "the tab's navigation to the delivery")
    size = _wait(
        lambda: browser.execute_script(
            "const i = document.images[0];"
            " return i && i.complete && i.naturalWidth ? [i.naturalWidth, i.naturalHeight] : null;"
        ),
        30,
        "the image in the tab",
    )
    elapsed = time.perf_counter() - start
    # the tab's own timing: how much of it was the download from textual-serve (the rest: the app's crop and
    # encode, the delivery notice over the websocket, the tab opening)
    download = browser.execute_script(
        "const n = performance.getEntriesByType('navigation')[0]; return (n.responseEnd - n.requestStart) / 1000;"
    )
    print(
        f"\nfull-resolution view, key -> image shown in the tab: {elapsed:.3f} s ({size[0]} x {size[1]} px; "
        f"download {download:.3f} s)"
    )
    assert "/download/" in browser.current_url
    # the sample's own resolution (a TD3 page at 300 dpi), not the terminal's half-cells (about 1x2 px per cell)
    assert size == [1476, 1039]
    assert size[0] > 1.2 * terminal[0]


def _dialog_drawn(png: bytes) -> bool:
    """True when the screenshot shows the participant dialog's blue frame (thousands of accent-blue pixels)."""
    import cv2
    import numpy as np

    img = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
    if img is None:
        return False
    b, g, r = (img[..., i].astype(np.int16) for i in range(3))
    return int(((b > 180) & (r < 40) & (g > 90) & (g < 160)).sum()) > 2000


def _attempt_exists(db: Path, participant: str) -> bool:
    if not db.exists():
        return False
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT 1 FROM attempts WHERE participant = ?", (participant,)).fetchone() is not None
    except sqlite3.OperationalError:
        return False
    finally:
        con.close()
