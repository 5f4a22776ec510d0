"""Class mode against a hostile websocket: a real `doc-check serve` on a free loopback port, driven with
aiohttp's websocket client (what any web page or script could send)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest
from exercise_helpers import make_project

from doc_check.cli.class_server import MAX_COLUMNS, MAX_ROWS, ChildLimits, clamp_size, limited_command, origin_allowed


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    """Pids whose parent is pid (from /proc)."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            out.append(int(entry.name))
    return out


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture()
def served(tmp_path: Path):
    ex = make_project(tmp_path / "proj")
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "doc_check",
            "serve",
            "--exercise",
            str(ex),
            "--port",
            str(port),
            "--db",
            str(tmp_path / "class.sqlite"),
            "--child-memory",
            "1024",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )

    def port_open() -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            return proc.poll() is not None and pytest.fail(proc.stderr.read())

    try:
        _wait(port_open, 30, "the server's port")
        yield proc, port
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


async def _session(port: int, first: list | str, *, hold: float, origin: str | None = None) -> int:
    """Open /ws, send `first` (a JSON envelope, or a raw text frame), keep the socket `hold` s; the HTTP status."""
    headers = {"Origin": origin} if origin else {}
    async with aiohttp.ClientSession() as http:
        try:
            async with http.ws_connect(f"http://127.0.0.1:{port}/ws?width=80&height=24", headers=headers) as ws:
                if isinstance(first, str):
                    await ws.send_str(first)
                else:
                    await ws.send_json(first)
                await asyncio.sleep(hold)
        except aiohttp.WSServerHandshakeError as exc:
            return exc.status
    return 101


def test_resize_attack_is_clamped_and_the_child_ends_with_its_socket(served) -> None:
    proc, port = served
    observed: dict[str, float] = {}

    async def attack() -> None:
        async with (
            aiohttp.ClientSession() as http,
            http.ws_connect(f"http://127.0.0.1:{port}/ws", headers={"Origin": f"http://127.0.0.1:{port}"}) as ws,
        ):
            await ws.send_json(["resize", {"width": 200, "height": 100_000_000}])
            await ws.send_json(["resize", {"width": "9" * 400, "height": -5}])
            await ws.send_json(["resize", {"width": 1e308, "height": None}])
            kids = await asyncio.to_thread(_wait, lambda: _children(proc.pid), 20, "a trainee process")
            observed["child"] = kids[0]
            await asyncio.sleep(8)  # unclamped, the child grew by 100 MB/s (1 GB/s on an idle machine)
            observed["rss"] = _rss_mb(kids[0])

    asyncio.run(attack())
    assert observed["rss"] < 250, observed  # a normal child: about 100 MB
    _wait(lambda: not _alive(int(observed["child"])), 15, "the trainee process to end after its socket closed")
    assert proc.poll() is None  # the server lives on


def test_empty_first_message_leaves_no_orphan_and_ctrl_c_is_prompt(served) -> None:
    proc, port = served

    async def sessions() -> list[int]:
        return await asyncio.gather(
            _session(port, "", hold=3), _session(port, "[]", hold=3), _session(port, '{"x": 1}', hold=3)
        )

    assert asyncio.run(sessions()) == [101, 101, 101]
    _wait(lambda: not _children(proc.pid), 15, "every trainee process to end")

    async def hold_open() -> None:
        async with aiohttp.ClientSession() as http, http.ws_connect(f"http://127.0.0.1:{port}/ws") as ws:
            await ws.send_str("")
            kids = await asyncio.to_thread(_wait, lambda: _children(proc.pid), 20, "a trainee process")
            started = time.monotonic()
            os.kill(proc.pid, signal.SIGINT)  # Ctrl+C with a session open
            await asyncio.to_thread(proc.wait, 15)
            assert time.monotonic() - started < 12
            for kid in kids:
                assert not _alive(kid), "serve left a trainee process behind"

    asyncio.run(hold_open())
    assert proc.returncode == 0


def test_foreign_origin_is_refused(served) -> None:
    _proc, port = served
    assert asyncio.run(_session(port, ["ping", "x"], hold=0, origin="http://evil.example")) == 403
    assert asyncio.run(_session(port, ["ping", "x"], hold=0, origin=f"http://evil.example:{port}")) == 403


def test_clamp_origin_and_command_rules() -> None:
    assert clamp_size(200, 100_000_000) == (200, MAX_ROWS)
    assert clamp_size(10**400, -3) == (MAX_COLUMNS, 1)
    assert clamp_size("1e9", None) == (MAX_COLUMNS, 24)
    assert clamp_size(float("nan"), True) == (80, 24)
    assert clamp_size([1], {"a": 1}) == (80, 24)
    assert origin_allowed(None, "127.0.0.1:8000", "127.0.0.1", 8000)
    assert origin_allowed("http://localhost:8000", "127.0.0.1:8000", "127.0.0.1", 8000)
    assert not origin_allowed("http://localhost:9000", "127.0.0.1:8000", "127.0.0.1", 8000)
    assert not origin_allowed("http://attacker.example:8000", "attacker.example:8000", "127.0.0.1", 8000)  # rebinding
    assert not origin_allowed("null", "127.0.0.1:8000", "127.0.0.1", 8000)
    assert origin_allowed("http://class.lan:8000", "class.lan:8000", "0.0.0.0", 8000)
    assert not origin_allowed("http://evil.lan:8000", "class.lan:8000", "0.0.0.0", 8000)
    cmd = limited_command("exec true", ChildLimits(memory_mb=512, cpu_seconds=60))
    out = subprocess.run(["sh", "-c", cmd.replace("exec true", "ulimit -v; ulimit -t")], capture_output=True, text=True)
    assert out.stdout.split() == [str(512 * 1024), "60"]
