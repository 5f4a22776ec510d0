"""The help screen: what each key does, and how the exercise works."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

HELP = """\
# doc-check train

Examine each document as an examiner would, record a **verdict** and the **indicators** you saw,
then submit to get your report. Everything is saved the moment it changes: quit any time and
`doc-check train` resumes where you were, clocks included.

| Key | Where | What |
| --- | --- | --- |
| `w` `u` `i` | examine | white light, UV, IR (only those the exercise allows) |
| `b` | examine | other side of the document (ID cards) |
| `+` `-` `0` | examine | magnifier: zoom in, out, fit the page; mouse wheel zooms at the pointer |
| arrows | image | pan the magnifier (click the image first); drag with the mouse; click to centre |
| `r` | examine | reference specimen side by side (follows your zoom) |
| `m` | examine | MRZ tool: check digits explained step by step; in it, `Ctrl+R` reads the MRZ off the image |
| `d` | examine | document reader: findings listed, regions outlined in red (fail) and yellow (doubt); \
Enter on a finding zooms onto its region |
| `s` | examine | save the current view as a PNG and show its path |
| `n` `p` | examine | next, previous sample (PageDown, PageUp) |
| `g` | examine | go to any sample (the list shows each answer so far) |
| `v` | examine | hide or show the verdict form (a larger image) |
| `Tab` | everywhere | move between image, verdict, checklist, confidence and note |
| `x` | examine | submit (asks first and lists unanswered samples) |
| `Esc` | examine | back to the exercise list (the attempt stays open) |
| `Enter` | picker | start or resume the highlighted exercise |
| `h` | picker, feedback | history of your attempts |
| `?` `F1` | everywhere | this help |
| `F12` | everywhere | save the whole screen as an SVG (next to the database, in `views/`) |
| `Ctrl+Q` | everywhere | quit (nothing is lost) |

Verdicts: **genuine**; **counterfeit** (a whole reproduction); **forged** (a genuine document altered:
photo substitution, data changed); **stolen blank** (a genuine blank fraudulently personalised);
**pseudo** (a fantasy document of no real issuer). A valid check digit proves nothing, and a
failed one is evidence, not a verdict.

Terminals: Kitty graphics or Sixel where supported, colour half-blocks elsewhere. Under tmux set
`COLORTERM=truecolor`. Force a renderer with `DOC_CHECK_IMAGE=halfcell|sixel|tgp`.
"""


class HelpScreen(ModalScreen[None]):
    """Keys and a short guide."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark,f1", "close", "Close", key_display="Esc")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Markdown(HELP)

    def action_close(self) -> None:
        self.dismiss(None)
