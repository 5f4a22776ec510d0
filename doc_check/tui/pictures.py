"""What the screens that show documents share: a small cache of decoded images and the outline colours."""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

import numpy as np

from doc_check.analysis.load import load_image

FAIL_COLOUR = (40, 40, 230)
"""BGR outline of a region whose finding failed (red)."""
WARN_COLOUR = (0, 200, 255)
"""BGR outline of a region whose finding is in doubt (yellow)."""
IMAGE_CACHE = 12
"""Decoded images an examine screen keeps (three lights on two sides of two samples)."""


class ImageCache:
    """The last few decoded images, by file path (a channel switch back is instant)."""

    def __init__(self, size: int = IMAGE_CACHE) -> None:
        self.size = size
        self._items: OrderedDict[Path, np.ndarray] = OrderedDict()

    def get(self, path: Path) -> np.ndarray:
        """The decoded image (BadInput for a broken file)."""
        if path in self._items:
            self._items.move_to_end(path)
            return self._items[path]
        image = load_image(path)
        self.put(path, image)
        return image

    def put(self, path: Path, image: np.ndarray) -> None:
        """Keep a decoded image (the oldest goes when full)."""
        self._items[path] = image
        self._items.move_to_end(path)
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def __contains__(self, path: Path) -> bool:
        return path in self._items
