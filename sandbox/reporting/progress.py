"""A progress bar for long runs (sweeps, large files, big simulations): rich on a terminal, a plain
status line now and then elsewhere (logs, CI), so that output stays readable wherever it goes.
:class:`LateProgress` shows one only when the work outlasts a few seconds (``run`` at scale)."""

from __future__ import annotations

import threading
import time
from types import TracebackType
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import (
    Progress as RichProgress,
)


def format_duration(seconds: float) -> str:
    """``75.2`` → ``"1:15"``; ``3725`` → ``"1:02:05"``."""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Progress:
    """Counts finished steps of ``total`` (``skipped`` already done) and shows it on ``stream``.

    On a terminal: a rich bar with rate, elapsed and remaining time. Elsewhere: one plain line at most
    every ``quiet_interval`` seconds, and always at the end. Use as a context manager or call
    :meth:`close`.
    """

    def __init__(
        self,
        total: int,
        stream: TextIO,
        *,
        unit: str = "cells",
        skipped: int = 0,
        quiet_interval: float = 10.0,
    ) -> None:
        self.total = total
        self.stream = stream
        self.unit = unit
        self.done = skipped
        self.skipped = skipped
        self.failed = 0
        self.quiet_interval = quiet_interval
        self.start = time.monotonic()
        self.last_line = float("-inf")
        self.printed_done = -1
        self.bar: RichProgress | None = None
        if stream.isatty():
            self.bar = RichProgress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TaskProgressColumn(),
                TextColumn("{task.fields[failed]}"),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=Console(file=stream),
                transient=False,
            )
            self.task = self.bar.add_task(unit, total=total, completed=skipped, failed="")
            self.bar.start()

    def line(self) -> str:
        """The current status as one plain line."""
        elapsed = time.monotonic() - self.start
        rate = (self.done - self.skipped) / elapsed if elapsed > 0 else 0.0
        eta = format_duration((self.total - self.done) / rate) if rate > 0 else "?"
        failed = f"  {self.failed} failed" if self.failed else ""
        return (
            f"{self.done}/{self.total} {self.unit}  {rate:.2f} {self.unit}/s  "
            f"elapsed {format_duration(elapsed)}  ETA {eta}{failed}"
        )

    def update(self, steps: int = 1, *, failed: bool = False) -> None:
        """Count ``steps`` finished steps (``failed``: one of them failed)."""
        self.done += steps
        self.failed += int(failed)
        if self.bar is not None:
            self.bar.update(
                self.task, completed=self.done, failed=f"{self.failed} failed" if self.failed else ""
            )
            return
        now = time.monotonic()
        if now - self.last_line >= self.quiet_interval or self.done >= self.total:
            self._print_line()
            self.last_line = now

    def _print_line(self) -> None:
        self.printed_done = self.done
        self.stream.write(self.line() + "\n")
        self.stream.flush()

    def close(self) -> None:
        """Stop the bar (terminal) or print the final line (elsewhere)."""
        if self.bar is not None:
            self.bar.stop()
        elif self.printed_done != self.done:
            self._print_line()

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()


class LateProgress:
    """A :class:`Progress` that appears only once the work has run ``after`` seconds (0: at once), so
    that quick runs print nothing on ``stream``. Steps counted before it appears show when it does."""

    def __init__(self, total: int, stream: TextIO, *, after: float, unit: str = "steps") -> None:
        self.total = total
        self.stream = stream
        self.unit = unit
        self.done = 0
        self.shown: Progress | None = None
        self.lock = threading.Lock()
        self.timer: threading.Timer | None = None
        if after <= 0:
            self._show()
        else:
            self.timer = threading.Timer(after, self._show)
            self.timer.daemon = True
            self.timer.start()

    def _show(self) -> None:
        with self.lock:
            if self.shown is None and self.done < self.total:
                self.shown = Progress(self.total, self.stream, unit=self.unit, skipped=0, quiet_interval=5.0)
                self.shown.update(self.done)

    def step(self, name: str = "") -> None:
        """One step finished (``name``: what it was; unused, for callers that report stages)."""
        with self.lock:
            self.done += 1
            if self.shown is not None:
                self.shown.update()

    def close(self) -> None:
        """Stop the timer; finish the bar if it appeared."""
        if self.timer is not None:
            self.timer.cancel()
        with self.lock:
            if self.shown is not None:
                self.shown.close()

    def __enter__(self) -> LateProgress:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
