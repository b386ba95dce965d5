"""A plain progress bar for the terminal: redrawn in place on a TTY, silent otherwise."""

import sys
import time


class ProgressBar:
    def __init__(self, stream=None, width: int = 30, every: float = 0.1):
        self.stream = stream or sys.stderr
        self.width = width
        self.every = every
        self.enabled = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._last = 0.0
        self._drawn = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        now = time.monotonic()
        if done < total and now - self._last < self.every:
            return
        self._last = now
        filled = int(self.width * done / total)
        # A per cent, since what a loader counts differs by kind (a file's rows, its figures, its schools).
        self.stream.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {100 * done // total:3d}%")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False
