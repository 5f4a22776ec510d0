"""Sign-in on a database with enrolled participants: participant code and passphrase."""

from __future__ import annotations

import asyncio

from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from doc_check.store import SignInRefused, StoreUnavailable
from doc_check.tui.host import train_host

FAILURE_PAUSE_S = 1.0
"""Every refused sign-in also waits this long in the UI (the store holds a code back longer as failures grow)."""


class SignInScreen(ModalScreen[str]):
    """Two inputs: the participant code and the passphrase on the instructor's sheet."""

    def __init__(self, code: str = "") -> None:
        super().__init__()
        self.code = code

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("[b]Sign in[/b] with the participant code and passphrase your instructor gave you")
            yield Input(value=self.code, placeholder="participant code, e.g. T07", id="code", max_length=64)
            yield Input(placeholder="passphrase", id="passphrase", password=True, max_length=128)
            yield Label("", id="problem")

    def on_mount(self) -> None:
        self.query_one("#passphrase" if self.code else "#code", Input).focus()

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        code = self.query_one("#code", Input).value.strip()
        secret = self.query_one("#passphrase", Input)
        if event.input.id == "code" or not secret.value:
            secret.focus()
            return
        problem = self.query_one("#problem", Label)
        try:
            signed = train_host(self).store.sign_in(code, secret.value)
        except SignInRefused as exc:
            secret.value = ""
            problem.update(f"[red]{escape(str(exc))}[/]")
            secret.disabled = True
            await asyncio.sleep(FAILURE_PAUSE_S)
            secret.disabled = False
            secret.focus()
            return
        except StoreUnavailable as exc:
            problem.update(f"[yellow]reconnecting: {escape(str(exc))}[/]")
            return
        self.dismiss(signed)
