"""Class mode's web server: textual-serve's `Server` with the limits a classroom needs.

textual-serve starts one `doc-check train` child per websocket and trusts every message. This subclass checks
the websocket's Origin (a web page a trainee opens elsewhere must not drive a child), caps the number of
children, clamps terminal sizes, ignores malformed messages, ends a child after an idle time and a lifetime,
and ends it for sure (quit, then SIGTERM, then SIGKILL) when its socket closes and when `serve` exits. Each
child's address space and CPU time are bounded by `ulimit` in its shell command (see `limited_command`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from aiohttp import WSCloseCode, WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

log = logging.getLogger("doc-check.serve")

MAX_COLUMNS = 400
MAX_ROWS = 200
"""Terminal sizes a browser may ask for are clamped to these (a huge size made a child allocate without end)."""
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


@dataclass(frozen=True)
class ChildLimits:
    """Bounds on every trainee process `serve` starts."""

    memory_mb: int = 16384
    """Address space (RLIMIT_AS, `ulimit -v`): a child allocating past it fails with MemoryError and ends."""
    cpu_seconds: int = 4 * 3600
    """CPU time (RLIMIT_CPU, `ulimit -t`): holds even for a child whose server was killed."""
    idle_seconds: float = 1800.0
    """No keyboard or mouse input for this long ends the session (answers are saved one by one: resume by code)."""
    lifetime_seconds: float = 12 * 3600.0
    """No session lasts longer than this."""
    max_children: int = 50
    """More websockets than this at once are refused (503)."""
    stop_seconds: float = 3.0
    """Grace after asking a child to quit, and again after SIGTERM, before SIGKILL."""


def clamp_size(width: Any, height: Any) -> tuple[int, int]:
    """A terminal size a child can be given: integers within 1..MAX_COLUMNS and 1..MAX_ROWS (80x24 if not numbers)."""

    def number(value: Any, default: int, top: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            return default
        try:
            n = int(float(value)) if not isinstance(value, int) else value
        except (ValueError, OverflowError):
            return default
        return max(1, min(n, top))

    return number(width, 80, MAX_COLUMNS), number(height, 24, MAX_ROWS)


def limited_command(command: str, limits: ChildLimits) -> str:
    """The shell command with the child's address space and CPU time bounded before it starts."""
    return f"ulimit -v {limits.memory_mb * 1024} && ulimit -t {limits.cpu_seconds} && {command}"


def origin_allowed(origin: str | None, host_header: str | None, serve_host: str, port: int) -> bool:
    """True when a websocket's Origin is this server's own page.

    No Origin header: not a browser (browsers always send it on websockets), allowed. Otherwise the Origin must
    name this server: its host is the request's Host header or, for a loopback server, a loopback name, and its
    port is the server's. On loopback the Host header must itself be a loopback name (defeats DNS rebinding).
    """
    if origin is None:
        return True
    try:
        parts = urlsplit(origin)
        origin_port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or origin_port != port or not parts.hostname:
        return False
    origin_host = parts.hostname.lower()
    request_host = (urlsplit(f"//{host_header}").hostname or "").lower() if host_header else ""
    loopback_server = serve_host.lower() in LOOPBACK_NAMES or serve_host.startswith("127.")
    if loopback_server:
        return origin_host in LOOPBACK_NAMES and (not request_host or request_host in LOOPBACK_NAMES)
    return origin_host in {request_host, serve_host.lower()}


class GuardedAppService(AppService):
    """One trainee process: sizes clamped, and a stop that always ends the process."""

    def __init__(self, command: str, *, limits: ChildLimits, **kwargs: Any) -> None:
        super().__init__(command, **kwargs)
        self.limits = limits
        self.started = time.monotonic()
        self.last_input = self.started

    async def set_terminal_size(self, width: int, height: int) -> None:
        """Pass the size on, clamped."""
        await super().set_terminal_size(*clamp_size(width, height))

    async def stop(self) -> None:
        """Ask the child to quit; after `stop_seconds` terminate it, then kill it. Never waits longer."""
        process = self._process
        if self._task is not None:
            task = self._task
            try:
                await asyncio.wait_for(super().stop(), timeout=self.limits.stop_seconds)
            except (TimeoutError, Exception):  # a child that does not answer "quit" is ended below
                task.cancel()
            self._task = None
        if process is None or process.returncode is not None:
            return
        for sig in (signal.SIGTERM, signal.SIGKILL):
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(sig)
            try:
                await asyncio.wait_for(process.wait(), timeout=self.limits.stop_seconds)
                return
            except TimeoutError:
                continue


class ClassServer(Server):
    """textual-serve's server for a class: Origin checked, children bounded and always ended."""

    def __init__(self, command: str, *, limits: ChildLimits | None = None, **kwargs: Any) -> None:
        self.limits = limits or ChildLimits()
        super().__init__(limited_command(command, self.limits), **kwargs)
        self.services: set[GuardedAppService] = set()
        self.sockets: set[web.WebSocketResponse] = set()

    async def on_startup(self, app: web.Application) -> None:
        """Quiet start (doc-check prints its own banner)."""

    async def on_shutdown(self, app: web.Application) -> None:
        """Close every websocket and end every child, within bounded time (Ctrl+C does not hang)."""
        await asyncio.gather(
            *(ws.close(code=WSCloseCode.GOING_AWAY, message=b"server stopping") for ws in list(self.sockets)),
            *(service.stop() for service in list(self.services)),
            return_exceptions=True,
        )

    def serve(self, debug: bool = False) -> None:
        """Serve until Ctrl+C or SIGTERM; handlers get 5 s to finish after the children are ended."""
        self.debug = debug
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signal.SIGINT, self.request_exit)
            loop.add_signal_handler(signal.SIGTERM, self.request_exit)
        web.run_app(
            self._make_app(),
            host=self.host,
            port=self.port,
            handle_signals=False,
            loop=loop,
            shutdown_timeout=5.0,
            print=lambda *args: None,
        )

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One trainee's websocket: checked, then a bounded child driven by it until either ends."""
        if not origin_allowed(request.headers.get("Origin"), request.headers.get("Host"), self.host, self.port):
            log.warning("refused a websocket from origin %r", request.headers.get("Origin"))
            raise web.HTTPForbidden(text="this page's origin may not open a trainee session")
        if len(self.services) >= self.limits.max_children:
            raise web.HTTPServiceUnavailable(text="the class is full: too many trainee sessions at once")
        width, height = clamp_size(
            to_int(request.query.get("width", "80"), 80), to_int(request.query.get("height", "24"), 24)
        )
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=1 << 20)
        service: GuardedAppService | None = None
        watchdog: asyncio.Task[None] | None = None
        try:
            await websocket.prepare(request)
            self.sockets.add(websocket)
            service = GuardedAppService(
                self.command,
                limits=self.limits,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,
                download_manager=self.download_manager,
                debug=self.debug,
            )
            self.services.add(service)
            await service.start(width, height)
            watchdog = asyncio.create_task(self._watch(websocket, service))
            await self._process_messages(websocket, service)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:
            log.exception(error)
        finally:
            if watchdog is not None:
                watchdog.cancel()
            if service is not None:
                await service.stop()
                self.services.discard(service)
            self.sockets.discard(websocket)
        return websocket

    async def _watch(self, websocket: web.WebSocketResponse, service: GuardedAppService) -> None:
        """Close the socket when the session was idle or alive too long (the handler then ends the child)."""
        limits = self.limits
        while not websocket.closed:
            now = time.monotonic()
            if now - service.last_input > limits.idle_seconds or now - service.started > limits.lifetime_seconds:
                log.info("ending an idle or overlong trainee session")
                await websocket.close(code=WSCloseCode.POLICY_VIOLATION, message=b"session time limit")
                return
            if service._process is not None and service._process.returncode is not None:
                await websocket.close()
                return
            await asyncio.sleep(min(5.0, limits.idle_seconds / 4, limits.lifetime_seconds / 4))

    async def _process_messages(self, websocket: web.WebSocketResponse, app_service: AppService) -> None:
        """Drive the child from the browser's messages; anything malformed is ignored, never fatal."""
        assert isinstance(app_service, GuardedAppService)
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = json.loads(message.data)
            except (ValueError, RecursionError):
                continue
            if not isinstance(envelope, list) or not envelope or not isinstance(envelope[0], str):
                continue
            kind, data = envelope[0], (envelope[1] if len(envelope) > 1 else None)
            if kind == "stdin" and isinstance(data, str):
                app_service.last_input = time.monotonic()
                await app_service.send_bytes(data.encode("utf-8", "replace"))
            elif kind == "resize" and isinstance(data, dict):
                width, height = data.get("width"), data.get("height")
                if isinstance(width, int) and isinstance(height, int):
                    await app_service.set_terminal_size(width, height)
            elif kind == "ping" and isinstance(data, str | int | float):
                await websocket.send_json(["pong", data])
            elif kind == "blur":
                await app_service.blur()
            elif kind == "focus":
                await app_service.focus()
