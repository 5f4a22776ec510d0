"""The sample maker: a new document (genuine or forged) or a forgery of an existing genuine sample of the set, with
the catalogue's parameters, previewed and saved into the set (the set's key.toml gets its truth)."""

from __future__ import annotations

from pathlib import Path

from rich.markup import escape
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Label, Select, Static

from doc_check.errors import BadInput
from doc_check.samples import CAPTURES, DOCUMENT_TYPES
from doc_check.tui.author.common import truth_text
from doc_check.tui.author.viewer import SampleViewer

ANY = "any"
GENUINE = "genuine"
NEW = "new"
SOURCE_FIELDS = ("#mk-type", "#mk-capture", "#mk-seed", "#mk-dpi")
"""What an existing sample fixes (its document, capture and resolution come from its generation record)."""


def _catalogue():
    from doc_check.specimen.forgeries import ALTERABLE_FIELDS, FORGERY_KINDS

    return FORGERY_KINDS, ALTERABLE_FIELDS


class MakerPane(Horizontal):
    """Start from a new document or an existing genuine sample; pick document type, forgery kind, variant, field,
    difficulty, capture and seed; preview; save."""

    class Saved(Message):
        """A new sample was written into the set."""

        def __init__(self, sample_id: str) -> None:
            super().__init__()
            self.sample_id = sample_id

    def __init__(self, set_dir: Path, mode: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.set_dir = set_dir
        self.mode = mode
        self.generated = None
        self.busy = False
        self.sources: dict[str, object] = {}
        """Sample id -> key entry of the set's samples that can be forged again."""

    def compose(self) -> ComposeResult:
        kinds, fields = _catalogue()
        with VerticalScroll(id="mk-form"):
            yield Label("Start from", classes="form-title")
            yield Select([("a new document", NEW)], value=NEW, allow_blank=False, id="mk-source")
            yield Static("", id="mk-source-text", classes="hint")
            yield Label("Document type", classes="form-title")
            yield Select([(t.upper(), t) for t in DOCUMENT_TYPES], value="td3", allow_blank=False, id="mk-type")
            yield Label("Forgery (catalogue)", classes="form-title")
            yield Select(
                [("none: genuine", GENUINE), *((k, k) for k in kinds)], value=GENUINE, allow_blank=False, id="mk-kind"
            )
            yield Static("", id="mk-kind-text", classes="hint")
            yield Label("Variant", classes="form-title")
            yield Select([("any", ANY)], value=ANY, allow_blank=False, id="mk-variant")
            yield Label("Field (data alteration)", classes="form-title")
            yield Select(
                [("any", ANY), *((f.replace("_", " "), f) for f in fields)], value=ANY, allow_blank=False, id="mk-field"
            )
            yield Label("Difficulty", classes="form-title")
            yield Select(
                [("any", ANY), ("easy", "easy"), ("medium", "medium"), ("hard", "hard")],
                value=ANY,
                allow_blank=False,
                id="mk-difficulty",
            )
            yield Label("Capture", classes="form-title")
            yield Select([(c, c) for c in CAPTURES], value="scan", allow_blank=False, id="mk-capture")
            yield Label("Seed / resolution (dpi)", classes="form-title")
            with Horizontal(classes="pair"):
                yield Input("1", type="integer", id="mk-seed")
                yield Input("300", type="integer", id="mk-dpi")
            with Horizontal(classes="buttons"):
                yield Button("Preview", id="mk-preview", variant="primary")
                yield Button("Save to set", id="mk-save", variant="success", disabled=True)
        with Vertical(id="mk-right"):
            yield SampleViewer(self.mode, id="mk-view")
            yield Static("[dim]Preview a sample to see it here.[/]", id="mk-truth")

    def on_mount(self) -> None:
        self.load_sources()

    def load_sources(self) -> None:
        """List the set's genuine samples that have a generation record (they can be forged again)."""
        from doc_check.specimen.derive import forgeable_samples

        try:
            self.sources = dict(forgeable_samples(self.set_dir))
        except BadInput:
            self.sources = {}
        select = self.query_one("#mk-source", Select)
        current = select.value
        options = [("a new document", NEW)]
        for sid, entry in self.sources.items():
            x = entry.extra  # type: ignore[attr-defined]
            wear = x.get("wear") or (x.get("variant") if x.get("forgery") == "worn" else None)
            note = f", worn: {wear}" if wear else ""
            options.append((f"{sid} · {str(x['document_type']).upper()} {x['capture']}{note}", sid))
        select.set_options(options)
        select.value = current if current in self.sources else NEW

    def source(self) -> str | None:
        """The existing sample to forge (None: a new document)."""
        value = self.query_one("#mk-source", Select).value
        return str(value) if value in self.sources else None

    def _source_changed(self) -> None:
        sid = self.source()
        for widget_id in SOURCE_FIELDS:
            self.query_one(widget_id).disabled = sid is not None
        if sid is None:
            self.query_one("#mk-source-text", Static).update("[dim]Render a new holder from the seed.[/]")
            return
        x = self.sources[sid].extra  # type: ignore[attr-defined]
        self.query_one("#mk-type", Select).value = x["document_type"]
        self.query_one("#mk-capture", Select).value = x["capture"]
        self.query_one("#mk-dpi", Input).value = str(x["dpi"])
        self.query_one("#mk-source-text", Static).update(
            f"[dim]The same document as {sid} (holder, print, {x['capture']} at {x['dpi']} dpi) with the forgery "
            "below; saved as a new sample.[/]"
        )

    def on_input_changed(self, event: Input.Changed) -> None:
        self.generated = None
        self.query_one("#mk-save", Button).disabled = True

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "mk-kind":
            self._kind_changed(str(event.value))
        elif event.select.id == "mk-source":
            self._source_changed()
        self.generated = None
        self.query_one("#mk-save", Button).disabled = True

    def _kind_changed(self, kind: str) -> None:
        kinds, _ = _catalogue()
        variant = self.query_one("#mk-variant", Select)
        if kind == GENUINE:
            variant.set_options([("any", ANY)])
            text = "A genuine document of Utopia."
        else:
            k = kinds[kind]
            variant.set_options([("any", ANY), *((f"{v} ({k.difficulty[v]})", v) for v in k.variants)])
            text = f"{k.description} Verdict: {k.verdict.replace('_', ' ')}."
        variant.value = ANY
        self.query_one("#mk-field", Select).disabled = kind != "data_alteration"
        self.query_one("#mk-kind-text", Static).update(f"[dim]{text}[/]")

    def choice(self):
        """The forgery the form describes, to apply to an existing sample (BadInput without a forgery kind)."""
        from doc_check.specimen.derive import ForgeryChoice

        spec = self.spec()
        if spec.forgery is None:
            raise BadInput(f"sample {self.source()}: choose a forgery kind to apply to it")
        return ForgeryChoice(spec.forgery, spec.variant, spec.field, spec.difficulty)

    def spec(self):
        """The generator spec the form describes."""
        from doc_check.specimen.sampleset import SampleSpec

        def val(widget_id: str) -> str | None:
            v = self.query_one(widget_id, Select).value
            return None if v in (ANY, GENUINE, Select.NULL) else str(v)

        kind = val("#mk-kind")
        return SampleSpec(
            document_type=str(self.query_one("#mk-type", Select).value),
            forgery=kind,
            variant=val("#mk-variant") if kind else None,
            field=val("#mk-field") if kind == "data_alteration" else None,
            difficulty=val("#mk-difficulty") if kind else None,
            capture=str(self.query_one("#mk-capture", Select).value),
            dpi=self._int("#mk-dpi", "dpi"),
        )

    def _int(self, widget_id: str, name: str) -> int:
        text = self.query_one(widget_id, Input).value.strip()
        if not text.isdigit():
            raise BadInput(f"{name} {text!r}: a whole number >= 0")
        return int(text)

    def seed(self) -> int:
        """The seed the form gives (BadInput when it is not a whole number >= 0)."""
        return self._int("#mk-seed", "seed")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "mk-preview":
            self.preview()
        elif event.button.id == "mk-save":
            self.save()

    def preview(self) -> None:
        """Generate the sample the form describes (in a worker thread) and show it."""
        if self.busy:
            return
        source = self.source()
        try:
            if source is not None:
                choice = self.choice()
            else:
                spec, seed = self.spec(), self.seed()
                spec.validate()
        except BadInput as exc:
            self.notify(str(exc), severity="error")
            return
        self.busy = True
        self.query_one("#mk-truth", Static).update("[dim]generating…[/]")
        if source is not None:
            self.derive(source, choice)
        else:
            self.generate(spec, seed)

    @work(thread=True, group="maker", exclusive=True)
    def derive(self, source: str, choice) -> None:
        """Render the existing sample again with the forgery, in a worker thread."""
        from doc_check.specimen.derive import derive_sample

        try:
            generated = derive_sample(self.set_dir, source, choice)
        except Exception as exc:
            self.app.call_from_thread(self._generated, None, str(exc) or type(exc).__name__)
            return
        self.app.call_from_thread(self._generated, generated, "")

    @work(thread=True, group="maker", exclusive=True)
    def generate(self, spec, seed: int) -> None:
        """Render, forge and capture in a worker thread."""
        from doc_check.exercise.draft import free_sample_index
        from doc_check.specimen.sampleset import generate_sample

        try:
            generated = generate_sample(spec, seed, free_sample_index(self.set_dir, seed))
        except Exception as exc:
            self.app.call_from_thread(self._generated, None, str(exc) or type(exc).__name__)
            return
        self.app.call_from_thread(self._generated, generated, "")

    def _generated(self, generated, problem: str) -> None:
        self.busy = False
        self.generated = generated
        if generated is None:
            self.query_one("#mk-truth", Static).update(f"[red]{escape(str(problem))}[/]")
            return
        pictures = {f"{side}.{c}": img for side, chans in generated.images.items() for c, img in chans.items()}
        origin = generated.truth.extra.get("derived_from")
        caption = f"{generated.id} (preview" + (f", from {origin})" if origin else ")")
        self.query_one(SampleViewer).set_pictures(pictures, tuple(generated.images), caption)
        self.query_one("#mk-truth", Static).update(truth_text(generated.truth))
        self.query_one("#mk-save", Button).disabled = False

    def save(self) -> None:
        """Write the previewed sample as a new folder of the set and its truth into the set's key.toml."""
        from doc_check.specimen.derive import add_sample

        if self.generated is None:
            return
        try:
            folder = add_sample(self.set_dir, self.generated)
        except (BadInput, OSError) as exc:
            self.notify(f"Could not save: {escape(str(exc))}", severity="error", timeout=10)
            return
        sid = self.generated.id
        self.generated = None
        self.query_one("#mk-save", Button).disabled = True
        self.notify(escape(f"Saved {sid} into {folder.parent} (key updated)"))
        self.load_sources()
        self.post_message(self.Saved(sid))
