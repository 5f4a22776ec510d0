"""The document image with its magnifier: zoom and pan over the full-resolution image, regions outlined."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import numpy as np
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.css.scalar import Scalar
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from doc_check.tui.images import cell_pixels, image_widget_class, to_pil
from doc_check.tui.widgets.halfcell import ArrayHalfcellImage
from doc_check.viewport import ViewGeometry, clamp_zoom, render_view, view_geometry, zoom_about

ZOOM_STEP = 1.5
PAN_FRACTION = 0.25
"""Arrow keys move the view by this share of its width or height."""


class DocumentView(Widget, can_focus=True):
    """Shows one image at the widget's size; with the magnifier, zoom and pan by keys and mouse."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "pan(-1, 0)", "Pan", key_display="←↑↓→"),
        Binding("right", "pan(1, 0)", "Pan", show=False),
        Binding("up", "pan(0, -1)", "Pan", show=False),
        Binding("down", "pan(0, 1)", "Pan", show=False),
    ]

    zoom: reactive[float] = reactive(1.0, init=False)

    class ViewChanged(Message):
        """The zoom or centre changed (so a side-by-side reference can follow)."""

        def __init__(self, view: DocumentView) -> None:
            super().__init__()
            self.view = view

    class FirstFrame(Message):
        """A frame showing this view's first image has been composited (the screen can build what waits)."""

        def __init__(self, view: DocumentView) -> None:
            super().__init__()
            self.view = view

    def __init__(self, mode: str, magnifier: bool = True, *, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.mode = mode
        self.magnifier = magnifier
        self.image: np.ndarray | None = None
        self.center: tuple[float, float] | None = None
        self.boxes: list[tuple[tuple[int, int, int, int], tuple[int, int, int]]] = []
        self.geometry: ViewGeometry | None = None
        self.last_render: np.ndarray | None = None
        self._drag: tuple[int, int, tuple[float, float]] | None = None
        self._dragged = False
        self._first_frame_posted = False

    def compose(self) -> ComposeResult:
        if self.mode == "halfcell":
            yield ArrayHalfcellImage(id="picture")
        else:
            yield image_widget_class(self.mode)(id="picture")

    # -- state ------------------------------------------------------------------------------------------------

    def show(self, image: np.ndarray | None, keep_view: bool = True) -> None:
        """Show another image (another channel keeps zoom and centre when the size matches)."""
        same_size = self.image is not None and image is not None and self.image.shape[:2] == image.shape[:2]
        self.image = image
        if not (keep_view and same_size):
            self.zoom = 1.0
            self.center = None
        self.redraw()

    def set_boxes(self, boxes: Sequence[tuple[tuple[int, int, int, int], tuple[int, int, int]]]) -> None:
        """Outline these image regions (x, y, w, h) in these BGR colours."""
        self.boxes = list(boxes)
        self.redraw()

    def set_view(self, zoom: float, rel_center: tuple[float, float] | None) -> None:
        """Zoom and centre given as a share of the image's width and height (to follow another view)."""
        if self.image is None:
            return
        h, w = self.image.shape[:2]
        self.zoom = clamp_zoom(zoom)
        self.center = None if rel_center is None else (rel_center[0] * w, rel_center[1] * h)
        self.redraw(notify=False)

    def rel_center(self) -> tuple[float, float] | None:
        """The centre as a share of the image's width and height."""
        if self.image is None or self.geometry is None:
            return None
        h, w = self.image.shape[:2]
        return self.geometry.center[0] / w, self.geometry.center[1] / h

    def out_size(self) -> tuple[int, int]:
        """The rendered image's size in pixels: the widget's cells times the renderer's pixels per cell."""
        cw, ch = cell_pixels(self.mode)
        return max(1, self.size.width) * cw, max(1, self.size.height) * ch

    def redraw(self, notify: bool = True) -> None:
        """Render the view at exactly the size shown and hand it to the image widget."""
        if not self.is_mounted:
            return
        picture = self.query_one("#picture")
        if self.image is None or self.size.width < 1 or self.size.height < 1:
            if isinstance(picture, ArrayHalfcellImage):
                picture.clear_array()
            else:
                picture.image = None
            return
        out_w, out_h = self.out_size()
        h, w = self.image.shape[:2]
        self.geometry = view_geometry(w, h, self.zoom, self.center, out_w, out_h)
        self.center = self.geometry.center
        rendered = render_view(self.image, self.zoom, self.center, out_w, out_h)
        for (x, y, bw, bh), colour in self.boxes:
            rendered = _outline(rendered, self.geometry, (x, y, bw, bh), colour)
        self.last_render = rendered
        if (picture.styles.width, picture.styles.height) != (
            Scalar.from_number(self.size.width),
            Scalar.from_number(self.size.height),
        ):
            picture.styles.width = self.size.width
            picture.styles.height = self.size.height
        if isinstance(picture, ArrayHalfcellImage):
            picture.set_array(rendered)
        else:
            picture.image = to_pil(rendered)
        if not self._first_frame_posted:
            self._first_frame_posted = True  # callbacks "after refresh" run once the next frame is composited
            self.call_after_refresh(self.post_message, self.FirstFrame(self))
        if notify:
            self.post_message(self.ViewChanged(self))

    def on_resize(self, event: events.Resize) -> None:
        self.redraw(notify=False)

    def on_mount(self) -> None:
        self.call_after_refresh(self.redraw, False)

    # -- magnifier ----------------------------------------------------------------------------------------------

    def zoom_by(self, factor: float) -> None:
        """Zoom in (factor > 1) or out around the view's centre."""
        if self.image is None or not self.magnifier:
            return
        self.zoom = clamp_zoom(self.zoom * factor)
        self.redraw()

    def reset(self) -> None:
        """Back to the whole page."""
        self.zoom = 1.0
        self.center = None
        self.redraw()

    def action_pan(self, dx: int, dy: int) -> None:
        """Move the view by a quarter of its size."""
        if self.image is None or self.geometry is None or not self.magnifier:
            return
        _, _, vw, vh = self.geometry.visible
        cx, cy = self.geometry.center
        self.center = (cx + dx * vw * PAN_FRACTION, cy + dy * vh * PAN_FRACTION)
        self.redraw()

    def _pixel(self, event: events.MouseEvent) -> tuple[float, float]:
        cw, ch = cell_pixels(self.mode)
        return (event.x + 0.5) * cw, (event.y + 0.5) * ch

    def _wheel(self, event: events.MouseEvent, factor: float) -> None:
        if self.image is None or self.geometry is None or not self.magnifier:
            return
        h, w = self.image.shape[:2]
        u, v = self._pixel(event)
        self.zoom, self.center = zoom_about(self.geometry, self.zoom * factor, u, v, w, h)
        self.redraw()
        event.stop()

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self._wheel(event, ZOOM_STEP)

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        self._wheel(event, 1 / ZOOM_STEP)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        if self.geometry is None:
            return
        self.focus()
        self._drag = (event.screen_x, event.screen_y, self.geometry.center)
        self._dragged = False
        self.capture_mouse()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._drag is None or self.geometry is None or not self.magnifier:
            return
        sx, sy, (cx, cy) = self._drag
        cw, ch = cell_pixels(self.mode)
        du, dv = (event.screen_x - sx) * cw, (event.screen_y - sy) * ch
        if du or dv:
            self._dragged = True
            self.center = (cx - du / self.geometry.scale, cy - dv / self.geometry.scale)
            self.redraw()

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._drag is None:
            return
        self._drag = None
        self.release_mouse()
        if not self._dragged and self.geometry is not None and self.magnifier and self.zoom > 1:
            self.center = self.geometry.to_image(*self._pixel(event))
            self.redraw()


def _outline(
    img: np.ndarray, g: ViewGeometry, box: tuple[int, int, int, int], colour: tuple[int, int, int]
) -> np.ndarray:
    """Draw one image-space rectangle onto the rendered view."""
    import cv2

    x, y, w, h = box
    (u1, v1), (u2, v2) = g.to_view(x, y), g.to_view(x + w, y + h)
    thickness = 1 if img.shape[1] < 600 else 3
    cv2.rectangle(img, (int(u1), int(v1)), (max(int(u1), int(u2) - 1), max(int(v1), int(v2) - 1)), colour, thickness)
    return img
