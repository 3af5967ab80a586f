"""A progress bar on stderr: cells done/total, rate and time left."""

from __future__ import annotations

import time
from typing import TextIO


def format_duration(seconds: float) -> str:
    """``75.2`` → ``"1:15"``; ``3725`` → ``"1:02:05"``."""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Progress:
    """Counts finished cells and redraws one status line.

    On a terminal the line is redrawn in place at most every ``interval`` seconds; elsewhere
    (logs, CI) a line is printed at most every ``quiet_interval`` seconds, and always at the end.
    """

    def __init__(
        self,
        total: int,
        stream: TextIO,
        *,
        skipped: int = 0,
        interval: float = 0.2,
        quiet_interval: float = 10.0,
        width: int = 30,
    ) -> None:
        self.total = total
        self.stream = stream
        self.done = skipped
        self.skipped = skipped
        self.failed = 0
        self.width = width
        self.tty = stream.isatty()
        self.interval = interval if self.tty else quiet_interval
        self.start = time.monotonic()
        self.last_draw = float("-inf")
        self.drawn_done = -1

    def line(self) -> str:
        """The current status line."""
        elapsed = time.monotonic() - self.start
        computed = self.done - self.skipped
        rate = computed / elapsed if elapsed > 0 else 0.0
        remaining = self.total - self.done
        eta = format_duration(remaining / rate) if rate > 0 else "?"
        filled = self.width * self.done // self.total if self.total else self.width
        bar = "#" * filled + "." * (self.width - filled)
        failed = f"  {self.failed} failed" if self.failed else ""
        return (
            f"[{bar}] {self.done}/{self.total} cells  {rate:.2f} cells/s  "
            f"elapsed {format_duration(elapsed)}  ETA {eta}{failed}"
        )

    def update(self, *, failed: bool = False) -> None:
        """Count one finished cell and redraw if due."""
        self.done += 1
        self.failed += int(failed)
        now = time.monotonic()
        if now - self.last_draw >= self.interval or self.done == self.total:
            self.draw()
            self.last_draw = now

    def draw(self) -> None:
        self.drawn_done = self.done
        end = "" if self.tty else "\n"
        prefix = "\r" if self.tty else ""
        self.stream.write(f"{prefix}{self.line()}{end}")
        self.stream.flush()

    def close(self) -> None:
        """Finish the line (on a terminal) after a final redraw."""
        if self.drawn_done != self.done:
            self.draw()
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()
